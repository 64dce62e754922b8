package dev.para.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The caller's named agent images. */
final class ImageCommands {

    private ImageCommands() {}

    @Command(
            name = "images",
            description = "Your named agent images",
            subcommands = {Images.List.class, Images.Set.class, Images.Delete.class})
    static final class Images implements Callable<Integer> {
        @ParentCommand
        Para para;

        @Mixin
        Para.OutputOption output;

        @Override
        public Integer call() {
            return list(para, output);
        }

        static int list(Para para, Para.OutputOption output) {
            return Requests.printAll(
                    para,
                    output,
                    "/api/v1/agent-images",
                    "No agent images. Add one: para images set NAME --image REGISTRY/REPO:TAG",
                    i -> String.format(
                            "%-20s %s%s%s",
                            i.path("name").asText(),
                            i.path("image").asText(),
                            i.path("default").asBoolean() ? "  (default)" : "",
                            i.path("credential").isTextual()
                                    ? "  credential " + i.path("credential").asText()
                                    : ""));
        }

        @Command(name = "list", description = "List them")
        static final class List implements Callable<Integer> {
            @ParentCommand
            Images images;

            @Mixin
            Para.OutputOption output;

            @Override
            public Integer call() {
                return Images.list(images.para, output);
            }
        }

        @Command(name = "set", description = "Register or replace one; it is checked at its registry")
        static final class Set implements Callable<Integer> {
            @ParentCommand
            Images images;

            @Mixin
            Para.OutputOption output;

            @Parameters(paramLabel = "NAME")
            String name;

            @Option(names = "--image", required = true, description = "registry/repository:tag or @digest")
            String image;

            @Option(names = "--credential", description = "a registry-basic credential to pull it with")
            String credential;

            @Option(names = "--default", description = "use it when a session names no image")
            Boolean isDefault;

            @Option(names = "--agent-command", description = "the agent's command in the image")
            String agentCommand;

            @Option(names = "--agent-credential", description = "an anthropic-api-key or claude-oauth-token credential")
            String agentCredential;

            @Override
            public Integer call() {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("image", image);
                Requests.put(body, "credential", credential);
                Requests.put(body, "default", isDefault);
                Requests.put(body, "agentCommand", agentCommand);
                Requests.put(body, "agentCredential", agentCredential);
                Api.Answer answer =
                        images.para.api().send("PUT", "/api/v1/agent-images/" + Api.segment(name), body, Map.of());
                if (output.json()) {
                    Para.printJson(images.para.out(), answer.body());
                } else {
                    images.para
                            .out()
                            .println((answer.status() == 201 ? "Registered " : "Replaced ") + name + ": "
                                    + answer.body().path("image").asText()
                                    + (answer.body().path("digest").isTextual()
                                            ? " ("
                                                    + answer.body()
                                                            .path("digest")
                                                            .asText() + ")"
                                            : ""));
                }
                return ExitCode.OK;
            }
        }

        @Command(name = "delete", description = "Forget one")
        static final class Delete implements Callable<Integer> {
            @ParentCommand
            Images images;

            @Parameters(paramLabel = "NAME")
            String name;

            @Override
            public Integer call() {
                return Requests.delete(images.para, "/api/v1/agent-images", name);
            }
        }
    }
}
