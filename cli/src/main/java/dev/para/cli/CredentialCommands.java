package dev.para.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The caller's sealed credentials: values go in, never out. */
final class CredentialCommands {

    private CredentialCommands() {}

    @Command(
            name = "credentials",
            description = "Your sealed credentials (values go in, never out)",
            subcommands = {Credentials.List.class, Credentials.Set.class, Credentials.Delete.class})
    static final class Credentials implements Callable<Integer> {
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
                    "/api/v1/credentials",
                    "No credentials. Add one: para credentials set NAME --kind KIND < secret-file",
                    c -> String.format(
                            "%-20s %-20s %s",
                            c.path("name").asText(),
                            c.path("kind").asText(),
                            c.path("fingerprint").asText("")));
        }

        @Command(name = "list", description = "List them")
        static final class List implements Callable<Integer> {
            @ParentCommand
            Credentials credentials;

            @Mixin
            Para.OutputOption output;

            @Override
            public Integer call() {
                return Credentials.list(credentials.para, output);
            }
        }

        @Command(
                name = "set",
                description = "Store one, sealed. The secret (a password, token or key) is read from standard input or"
                        + " --secret-file, never from an argument")
        static final class Set implements Callable<Integer> {
            @ParentCommand
            Credentials credentials;

            @Mixin
            Para.OutputOption output;

            @Parameters(paramLabel = "NAME")
            String name;

            @Option(
                    names = "--kind",
                    required = true,
                    description = "registry-basic, anthropic-api-key or claude-oauth-token")
            String kind;

            @Option(names = "--username", description = "the registry login (registry-basic)")
            String username;

            @Option(names = "--secret-file", description = "a file holding the secret; - or absent: standard input")
            String secretFile;

            @Override
            public Integer call() {
                String secret = Requests.readSecret(credentials.para.env, secretFile);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("kind", kind);
                if ("registry-basic".equals(kind)) {
                    Requests.put(body, "username", username);
                    body.put("password", secret);
                } else {
                    body.put("value", secret);
                }
                Api.Answer answer =
                        credentials.para.api().send("PUT", "/api/v1/credentials/" + Api.segment(name), body, Map.of());
                if (output.json()) {
                    Para.printJson(credentials.para.out(), answer.body());
                } else {
                    credentials
                            .para
                            .out()
                            .println((answer.status() == 201 ? "Stored " : "Replaced ") + name + " (" + kind + ", "
                                    + answer.body().path("fingerprint").asText("sealed") + ")");
                }
                return ExitCode.OK;
            }
        }

        @Command(name = "delete", description = "Forget one")
        static final class Delete implements Callable<Integer> {
            @ParentCommand
            Credentials credentials;

            @Parameters(paramLabel = "NAME")
            String name;

            @Override
            public Integer call() {
                return Requests.delete(credentials.para, "/api/v1/credentials", name);
            }
        }
    }
}
