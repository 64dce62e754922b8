package dev.para.dispatch.testing;

import static dev.para.dispatch.testing.Webhooks.deliver;
import static dev.para.dispatch.testing.Webhooks.exampleFor;
import static dev.para.dispatch.testing.Webhooks.newDeliveryId;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Comments on issue #1 of a fixture's repository, delivered as GitHub's own issue_comment example, signed. */
public final class IssueComments {

    private static final AtomicLong IDS = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    private IssueComments() {}

    /** Delivers the comment ({@code action}: created, edited…) and waits until it has been processed; its delivery id. */
    public static String deliverComment(SessionFixtures f, String action, String user, String userType, String body) {
        String delivery = newDeliveryId();
        deliver("issue_comment", delivery, exampleFor("issue_comment." + action, f.installationId, p -> {
                    p.putObject("installation").put("id", f.installationId);
                    ((ObjectNode) p.get("repository"))
                            .put("full_name", f.repository())
                            .put("name", f.repo);
                    ((ObjectNode) p.get("comment")).put("body", body).put("id", IDS.incrementAndGet());
                    ((ObjectNode) p.get("sender")).put("login", user).put("type", userType);
                }))
                .statusCode(202);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Db.count(
                                "SELECT count(*) FROM webhook_processing WHERE delivery_id = ? AND processed_at IS NOT NULL",
                                delivery)
                        == 1);
        return delivery;
    }
}
