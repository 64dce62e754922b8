package dev.para.dispatch.playground;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

/**
 * The part of GitHub's REST API the service calls, as GitHub documents it, over the forge's own
 * repositories and state: App JWTs checked against the App's public key, installation tokens
 * narrowed to repositories and permissions (and refused once expired or revoked), repositories,
 * collaborator permissions, file contents, pull requests (with GraphQL's ready-for-review), branch
 * deletion and issue comments. Answers carry the fields GitHub's answers carry that a client
 * reads; refusals are GitHub's (401 Bad credentials, 403 Resource not accessible by integration,
 * 404 Not Found, 422 Validation Failed).
 *
 * <p>Over 300 lines: it is one API's table of routes, each a few lines, read as one.
 */
final class ForgeGitHub {

    /** A request as the forge's HTTP server hands it over. */
    record Request(String method, String path, Map<String, String> query, String authorization, JsonNode body) {}

    /** An answer: status and JSON body (null for none). */
    record Answer(int status, JsonNode body) {}

    static final long INSTALLATION_ID = 1;
    static final Duration TOKEN_LIFETIME = Duration.ofHours(1);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern ACCESS_TOKENS = Pattern.compile("/app/installations/(\\d+)/access_tokens");
    private static final Pattern REPOSITORY = Pattern.compile("/repos/([\\w.-]+)/([\\w.-]+)(/.*)?");
    private static final Pattern CONTENTS = Pattern.compile("/contents/(.+)");
    private static final Pattern PERMISSION = Pattern.compile("/collaborators/([\\w.-]+)/permission");
    private static final Pattern PULL = Pattern.compile("/pulls/(\\d+)");
    private static final Pattern BRANCH_REF = Pattern.compile("/git/refs/heads/(.+)");
    private static final Pattern ISSUE_COMMENTS = Pattern.compile("/issues/(\\d+)/comments");
    private static final Pattern COMMENT = Pattern.compile("/issues/comments/(\\d+)");
    private static final Pattern NODE_ID_VARIABLE = Pattern.compile("PR_[0-9]+");

    private final ForgeRepositories repositories;
    private final ForgeState state;
    private final String owner;
    private final String user;
    private final String webUrl;
    private final JwtConsumer appJwts;
    private final Clock clock;

    /**
     * @param owner the organization that installed the App (the only installation, id 1)
     * @param user the login the playground's account acts as: an admin of every repository
     * @param webUrl where the forge's pages are, for html_url
     */
    ForgeGitHub(
            ForgeRepositories repositories,
            ForgeState state,
            String appId,
            PublicKey appKey,
            String owner,
            String user,
            String webUrl,
            Clock clock) {
        this.repositories = repositories;
        this.state = state;
        this.owner = owner;
        this.user = user;
        this.webUrl = webUrl;
        this.clock = clock;
        this.appJwts = new JwtConsumerBuilder()
                .setExpectedIssuer(appId)
                .setRequireExpirationTime()
                .setRequireIssuedAt()
                .setAllowedClockSkewInSeconds(60)
                .setMaxFutureValidityInMinutes(11)
                .setVerificationKey(appKey)
                .setJwsAlgorithmConstraints(
                        AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.RSA_USING_SHA256)
                .build();
    }

    /** Whether a git request may go on: reads are public, a push needs a token with contents:write. */
    boolean mayGit(String token, String repository, boolean push) {
        if (!push) {
            return true;
        }
        ForgeState.MintedToken t = token == null ? null : live(token);
        return t != null && t.reaches(repository) && t.may("contents", "write");
    }

    Answer handle(Request r) {
        String path = r.path();
        if (path.equals("/graphql") && r.method().equals("POST")) { // served at /api/graphql
            return withToken(r, t -> graphql(t, r.body()));
        }
        if (path.equals("/installation/token") && r.method().equals("DELETE")) {
            String token = bearer(r.authorization());
            return token != null && state.revokeToken(token) ? new Answer(204, null) : badCredentials();
        }
        Matcher access = ACCESS_TOKENS.matcher(path);
        if (access.matches() && r.method().equals("POST")) {
            return mint(r, Long.parseLong(access.group(1)));
        }
        Matcher repo = REPOSITORY.matcher(path);
        if (repo.matches()) {
            String repository = repo.group(1) + "/" + repo.group(2);
            String rest = repo.group(3) == null ? "" : repo.group(3);
            return withToken(r, t -> {
                if (!t.reaches(repository) || !repositories.exists(repository)) {
                    return notFound();
                }
                return repositoryRoute(r, t, repository, rest);
            });
        }
        return notFound();
    }

    private Answer repositoryRoute(Request r, ForgeState.MintedToken t, String repository, String rest) {
        String method = r.method();
        if (rest.isEmpty() && method.equals("GET")) {
            return new Answer(200, repositoryJson(repository));
        }
        Matcher m;
        if ((m = CONTENTS.matcher(rest)).matches() && method.equals("GET")) {
            String ref = r.query().getOrDefault("ref", "main");
            String file = m.group(1);
            return repositories
                    .file(repository, ref, file)
                    .map(bytes -> new Answer(200, contentJson(file, bytes)))
                    .orElseGet(ForgeGitHub::notFound);
        }
        if ((m = PERMISSION.matcher(rest)).matches() && method.equals("GET")) {
            String level = m.group(1).equalsIgnoreCase(user) ? "admin" : "read";
            return new Answer(
                    200,
                    object().put("permission", level).put("role_name", level).set("user", account(m.group(1))));
        }
        if (rest.equals("/pulls") && method.equals("GET")) {
            return new Answer(200, pulls(repository, r.query()));
        }
        if (rest.equals("/pulls") && method.equals("POST")) {
            return t.may("pull_requests", "write") ? openPull(repository, r.body()) : notAccessible();
        }
        if ((m = PULL.matcher(rest)).matches()) {
            int number = Integer.parseInt(m.group(1));
            if (method.equals("GET")) {
                return state.pull(repository, number)
                        .map(p -> new Answer(200, pullJson(p)))
                        .orElseGet(ForgeGitHub::notFound);
            }
            if (method.equals("PATCH")) {
                if (!t.may("pull_requests", "write")) {
                    return notAccessible();
                }
                String newState = r.body().path("state").asText(null);
                return state.updatePull(repository, number, newState, null, clock.instant())
                        .map(p -> new Answer(200, pullJson(p)))
                        .orElseGet(ForgeGitHub::notFound);
            }
        }
        if ((m = BRANCH_REF.matcher(rest)).matches() && method.equals("DELETE")) {
            if (!t.may("contents", "write")) {
                return notAccessible();
            }
            return repositories.deleteBranch(repository, m.group(1))
                    ? new Answer(204, null)
                    : validationFailed("Reference does not exist");
        }
        if ((m = ISSUE_COMMENTS.matcher(rest)).matches()) {
            int issue = Integer.parseInt(m.group(1));
            if (!state.issueExists(repository, issue)) {
                return notFound();
            }
            if (method.equals("GET")) {
                return new Answer(200, comments(repository, issue, r.query()));
            }
            if (method.equals("POST")) {
                return t.may("issues", "write") || t.may("pull_requests", "write")
                        ? new Answer(
                                201,
                                commentJson(comment(repository, issue, r.body().path("body"))))
                        : notAccessible();
            }
        }
        if ((m = COMMENT.matcher(rest)).matches() && method.equals("PATCH")) {
            if (!t.may("issues", "write") && !t.may("pull_requests", "write")) {
                return notAccessible();
            }
            return state.editComment(
                            repository,
                            Long.parseLong(m.group(1)),
                            r.body().path("body").asText(""),
                            clock.instant())
                    .map(c -> new Answer(200, commentJson(c)))
                    .orElseGet(ForgeGitHub::notFound);
        }
        return notFound();
    }

    /** A comment as a person writes it at the forge (the playground's own route): by the playground's user. */
    ForgeState.Comment commentAsUser(String repository, int issue, String body) {
        return state.addComment(repository, issue, body, user, clock.instant());
    }

    private ForgeState.Comment comment(String repository, int issue, JsonNode body) {
        return state.addComment(repository, issue, body.asText(""), "para-playground[bot]", clock.instant());
    }

    /** {@code POST /app/installations/{id}/access_tokens}: an App JWT in, a narrowed token out. */
    private Answer mint(Request r, long installation) {
        String jwt = bearer(r.authorization());
        try {
            appJwts.process(jwt == null ? "" : jwt);
        } catch (InvalidJwtException e) {
            return new Answer(
                    401,
                    error(
                            "A JSON web token could not be decoded",
                            "https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app"));
        }
        if (installation != INSTALLATION_ID) {
            return notFound();
        }
        Set<String> names = new java.util.TreeSet<>();
        r.body().path("repositories").forEach(n -> names.add(owner + "/" + n.asText()));
        for (String name : names) {
            if (!repositories.exists(name)) {
                return validationFailed("There is at least one repository that does not exist or is not accessible"
                        + " to the parent installation.");
            }
        }
        Map<String, String> permissions = new java.util.TreeMap<>();
        JsonNode asked = r.body().path("permissions");
        if (asked.isObject() && !asked.isEmpty()) {
            asked.fields()
                    .forEachRemaining(
                            e -> permissions.put(e.getKey(), e.getValue().asText()));
        } else {
            permissions.putAll(
                    Map.of("contents", "write", "issues", "write", "metadata", "read", "pull_requests", "write"));
        }
        String token = "ghs_" + HexFormat.of().formatHex(randomBytes(18));
        Instant expires = clock.instant().plus(TOKEN_LIFETIME).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        ForgeState.MintedToken minted = new ForgeState.MintedToken();
        minted.expiresAt = expires;
        minted.repositories = Set.copyOf(names);
        minted.permissions = Map.copyOf(permissions);
        state.putToken(token, minted, clock.instant());
        ObjectNode answer = object().put("token", token)
                .put("expires_at", expires.toString())
                .put("repository_selection", names.isEmpty() ? "all" : "selected");
        answer.set("permissions", JSON.valueToTree(permissions));
        ArrayNode repos = answer.putArray("repositories");
        names.forEach(name -> repos.add(repositoryJson(name)));
        return new Answer(201, answer);
    }

    /** GraphQL: the one mutation REST lacks, {@code markPullRequestReadyForReview}. */
    private Answer graphql(ForgeState.MintedToken t, JsonNode body) {
        String query = body.path("query").asText("");
        if (!query.contains("markPullRequestReadyForReview")) {
            return new Answer(200, graphqlError("The playground's GraphQL knows markPullRequestReadyForReview only"));
        }
        Matcher id = NODE_ID_VARIABLE.matcher(body.path("variables").toString());
        Optional<ForgeState.Pull> pull = id.find() ? state.pullByNodeId(id.group()) : Optional.empty();
        if (pull.isEmpty() || !t.reaches(pull.get().repository)) {
            return new Answer(200, graphqlError("Could not resolve to a node with the global id"));
        }
        if (!t.may("pull_requests", "write")) {
            return new Answer(200, graphqlError("Resource not accessible by integration"));
        }
        ForgeState.Pull ready = state.updatePull(pull.get().repository, pull.get().number, null, false, clock.instant())
                .orElseThrow();
        ObjectNode answer = object();
        answer.putObject("data")
                .putObject("markPullRequestReadyForReview")
                .putObject("pullRequest")
                .put("isDraft", ready.draft)
                .put("number", ready.number);
        return new Answer(200, answer);
    }

    private Answer openPull(String repository, JsonNode body) {
        String head = body.path("head").asText("");
        String branch = head.contains(":") ? head.substring(head.indexOf(':') + 1) : head;
        String base = body.path("base").asText("");
        Optional<String> headSha = repositories.head(repository, branch);
        if (headSha.isEmpty() || repositories.head(repository, base).isEmpty()) {
            return validationFailed("Field head or base is not a branch of " + repository);
        }
        boolean open = state.pulls(repository).stream().anyMatch(p -> p.head.equals(branch) && p.state.equals("open"));
        if (open) {
            return validationFailed("A pull request already exists for " + owner(repository) + ":" + branch + ".");
        }
        ForgeState.Pull pull = state.openPull(
                repository,
                body.path("title").asText(branch),
                body.path("body").asText(""),
                branch,
                base,
                headSha.get(),
                body.path("draft").asBoolean(false),
                clock.instant());
        return new Answer(201, pullJson(pull));
    }

    private JsonNode pulls(String repository, Map<String, String> query) {
        String wanted = query.getOrDefault("state", "open");
        String head = query.get("head");
        String branch = head == null ? null : head.substring(head.indexOf(':') + 1);
        ArrayNode list = JSON.createArrayNode();
        state.pulls(repository).stream()
                .filter(p -> wanted.equals("all") || p.state.equals(wanted))
                .filter(p -> branch == null || p.head.equals(branch))
                .sorted((a, b) -> Integer.compare(b.number, a.number))
                .forEach(p -> list.add(pullJson(p)));
        return list;
    }

    private JsonNode comments(String repository, int issue, Map<String, String> query) {
        Instant since = query.containsKey("since") ? Instant.parse(query.get("since")) : Instant.EPOCH;
        int perPage = Math.min(100, Integer.parseInt(query.getOrDefault("per_page", "30")));
        int page = Math.max(1, Integer.parseInt(query.getOrDefault("page", "1")));
        ArrayNode list = JSON.createArrayNode();
        state.comments(repository, issue).stream()
                .filter(c -> !c.updatedAt.isBefore(since))
                .skip((long) (page - 1) * perPage)
                .limit(perPage)
                .forEach(c -> list.add(commentJson(c)));
        return list;
    }

    ObjectNode pullJson(ForgeState.Pull p) {
        ObjectNode pull = object().put("id", p.id)
                .put("node_id", nodeId(p))
                .put("number", p.number)
                .put("state", p.state)
                .put("title", p.title)
                .put("body", p.body)
                .put("draft", p.draft)
                .put("html_url", webUrl + "/" + p.repository + "/pull/" + p.number)
                .put("url", webUrl + "/api/v3/repos/" + p.repository + "/pulls/" + p.number)
                .put("created_at", p.createdAt.toString())
                .put("updated_at", p.updatedAt.toString());
        pull.set("user", account("para-playground[bot]"));
        pull.putObject("head")
                .put("ref", p.head)
                .put("sha", repositories.head(p.repository, p.head).orElse(p.headSha))
                .put("label", owner(p.repository) + ":" + p.head);
        pull.putObject("base")
                .put("ref", p.base)
                .put("sha", repositories.head(p.repository, p.base).orElse(""))
                .put("label", owner(p.repository) + ":" + p.base);
        return pull;
    }

    ObjectNode commentJson(ForgeState.Comment c) {
        ObjectNode comment = object().put("id", c.id)
                .put("node_id", "IC_" + c.id)
                .put("body", c.body)
                .put("html_url", webUrl + "/" + c.repository + "/issues/" + c.issue + "#issuecomment-" + c.id)
                .put("issue_url", webUrl + "/api/v3/repos/" + c.repository + "/issues/" + c.issue)
                .put("created_at", c.createdAt.toString())
                .put("updated_at", c.updatedAt.toString())
                .put("author_association", c.user.equals(user) ? "OWNER" : "NONE");
        comment.set("user", account(c.user));
        return comment;
    }

    ObjectNode repositoryJson(String repository) {
        ObjectNode repo = object().put("id", Math.abs((long) repository.hashCode()))
                .put("node_id", "R_" + Math.abs(repository.hashCode()))
                .put("name", repository.substring(repository.indexOf('/') + 1))
                .put("full_name", repository)
                .put("private", false)
                .put("default_branch", "main")
                .put("html_url", webUrl + "/" + repository)
                .put("clone_url", webUrl + "/" + repository + ".git");
        repo.set("owner", account(owner(repository)).put("type", "Organization"));
        return repo;
    }

    ObjectNode account(String login) {
        return object().put("login", login)
                .put("id", Math.abs((long) login.hashCode()))
                .put("type", login.endsWith("[bot]") ? "Bot" : "User");
    }

    static String nodeId(ForgeState.Pull p) {
        return "PR_" + p.id;
    }

    private static JsonNode contentJson(String path, byte[] bytes) {
        return object().put("type", "file")
                .put("encoding", "base64")
                .put("size", bytes.length)
                .put("name", path.substring(path.lastIndexOf('/') + 1))
                .put("path", path)
                .put("content", java.util.Base64.getMimeEncoder().encodeToString(bytes));
    }

    private Answer withToken(Request r, java.util.function.Function<ForgeState.MintedToken, Answer> then) {
        String token = bearer(r.authorization());
        ForgeState.MintedToken t = token == null ? null : live(token);
        return t == null ? badCredentials() : then.apply(t);
    }

    private ForgeState.MintedToken live(String token) {
        return state.token(token, clock.instant());
    }

    private static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        for (String scheme : List.of("Bearer ", "token ")) {
            if (authorization.regionMatches(true, 0, scheme, 0, scheme.length())) {
                return authorization.substring(scheme.length()).strip();
            }
        }
        return null;
    }

    private static String owner(String repository) {
        return repository.substring(0, repository.indexOf('/'));
    }

    private static ObjectNode object() {
        return JSON.createObjectNode();
    }

    private static ObjectNode error(String message, String documentation) {
        return object().put("message", message).put("documentation_url", documentation);
    }

    private static ObjectNode graphqlError(String message) {
        ObjectNode answer = object();
        answer.putArray("errors").addObject().put("type", "UNPROCESSABLE").put("message", message);
        return answer;
    }

    private static Answer badCredentials() {
        return new Answer(401, error("Bad credentials", "https://docs.github.com/rest"));
    }

    private static Answer notFound() {
        return new Answer(404, error("Not Found", "https://docs.github.com/rest"));
    }

    private static Answer notAccessible() {
        return new Answer(403, error("Resource not accessible by integration", "https://docs.github.com/rest"));
    }

    private static Answer validationFailed(String message) {
        ObjectNode body = error("Validation Failed", "https://docs.github.com/rest");
        body.putArray("errors")
                .addObject()
                .put("resource", "Issue")
                .put("code", "custom")
                .put("message", message);
        return new Answer(422, body);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
