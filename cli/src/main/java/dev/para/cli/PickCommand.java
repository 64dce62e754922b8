package dev.para.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code para pick}: best-of-N, from the command line. */
@Command(
        name = "pick",
        description = "Best-of-N: keep instance N's pull request (marked ready), close the others and delete"
                + " their branches")
final class PickCommand implements Callable<Integer> {
    @ParentCommand
    Para para;

    @Mixin
    Para.OutputOption output;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(
            names = {"-i", "--instance"},
            required = true,
            description = "the instance whose pull request to keep")
    int instance;

    @Option(names = "--keep-branches", description = "keep the other instances' branches")
    boolean keepBranches;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instance", instance);
        body.put("keepBranches", keepBranches);
        JsonNode session = para.api()
                .send("POST", "/api/v1/sessions/" + SessionCommands.sessionId(id) + "/pick", body, Map.of())
                .body();
        if (output.json()) {
            Para.printJson(para.out(), session);
        } else {
            para.out()
                    .println("Picked instance " + instance + " of "
                            + session.path("slug").asText()
                            + ": its pull request is ready for review, the others are closed");
        }
        return ExitCode.OK;
    }
}
