package dev.para.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The commands around sessions: logging in, agent images, credentials, installations. */
final class AccountCommands {

    private AccountCommands() {}

    /** Reads a secret from a file, or from standard input with "-": never from the command line. */
    static String readSecret(Env env, String file) {
        try {
            byte[] bytes;
            if (file == null || file.equals("-")) {
                try (InputStream in = env.in()) {
                    bytes = in.readNBytes(1 << 20);
                }
            } else {
                bytes = Files.readAllBytes(Path.of(file));
            }
            String secret = new String(bytes, StandardCharsets.UTF_8).strip();
            if (secret.isEmpty()) {
                throw CommandFailure.usage("the secret is empty (read from "
                        + (file == null || file.equals("-") ? "standard input" : file) + ")");
            }
            return secret;
        } catch (IOException e) {
            throw CommandFailure.usage("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Every item of a cursor-paged list, page after page. */
    static ArrayNode all(Api api, String path) {
        ArrayNode items = Api.JSON.createArrayNode();
        String cursor = null;
        do {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("limit", 100);
            query.put("cursor", cursor);
            JsonNode page = api.get(Api.path(path, query));
            page.path("items").forEach(items::add);
            cursor = page.path("next").isTextual() ? page.path("next").asText() : null;
        } while (cursor != null);
        return items;
    }

    @Command(name = "login", description = "Store the service's URL and your token (~/.config/para/config, mode 0600)")
    static final class LoginCommand implements Callable<Integer> {
        @ParentCommand
        Para para;

        @Option(names = "--url", required = true, description = "the service, such as https://para.example.com")
        String url;

        @Option(
                names = "--token-file",
                required = true,
                description = "a file holding the API token (a JWT), or - to read it from standard input")
        String tokenFile;

        @Override
        public Integer call() throws IOException {
            Login login = new Login(url.replaceAll("/+$", ""), readSecret(para.env, tokenFile));
            if (!login.url().startsWith("https://") && !login.url().startsWith("http://")) {
                throw CommandFailure.usage("--url must start with https:// (or http:// on your own machine)");
            }
            new Api(login).get("/api/v1/installations?limit=1"); // a refused token is not stored
            login.store(para.env);
            para.out()
                    .println("Logged in to " + login.url() + " (token accepted; stored in " + para.env.configFile()
                            + ")");
            return ExitCode.OK;
        }
    }

    @Command(name = "logout", description = "Forget the stored URL and token")
    static final class LogoutCommand implements Callable<Integer> {
        @ParentCommand
        Para para;

        @Override
        public Integer call() throws IOException {
            para.out().println(Login.forget(para.env) ? "Logged out" : "Not logged in");
            return ExitCode.OK;
        }
    }

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
            ArrayNode images = all(para.api(), "/api/v1/agent-images");
            if (output.json()) {
                Para.printJson(para.out(), images);
                return ExitCode.OK;
            }
            if (images.isEmpty()) {
                para.out().println("No agent images. Add one: para images set NAME --image REGISTRY/REPO:TAG");
            }
            for (JsonNode i : images) {
                para.out()
                        .printf(
                                "%-20s %s%s%s%n",
                                i.path("name").asText(),
                                i.path("image").asText(),
                                i.path("default").asBoolean() ? "  (default)" : "",
                                i.path("credential").isTextual()
                                        ? "  credential " + i.path("credential").asText()
                                        : "");
            }
            return ExitCode.OK;
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
                put(body, "credential", credential);
                put(body, "default", isDefault);
                put(body, "agentCommand", agentCommand);
                put(body, "agentCredential", agentCredential);
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
                images.para.api().send("DELETE", "/api/v1/agent-images/" + Api.segment(name), null, Map.of());
                images.para.out().println("Deleted " + name);
                return ExitCode.OK;
            }
        }
    }

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
            ArrayNode credentials = all(para.api(), "/api/v1/credentials");
            if (output.json()) {
                Para.printJson(para.out(), credentials);
                return ExitCode.OK;
            }
            if (credentials.isEmpty()) {
                para.out().println("No credentials. Add one: para credentials set NAME --kind KIND < secret-file");
            }
            for (JsonNode c : credentials) {
                para.out()
                        .printf(
                                "%-20s %-20s %s%n",
                                c.path("name").asText(),
                                c.path("kind").asText(),
                                c.path("fingerprint").asText(""));
            }
            return ExitCode.OK;
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
                String secret = readSecret(credentials.para.env, secretFile);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("kind", kind);
                if ("registry-basic".equals(kind)) {
                    put(body, "username", username);
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
                credentials.para.api().send("DELETE", "/api/v1/credentials/" + Api.segment(name), null, Map.of());
                credentials.para.out().println("Deleted " + name);
                return ExitCode.OK;
            }
        }
    }

    @Command(name = "installations", description = "The GitHub App's installations linked to your account")
    static final class Installations implements Callable<Integer> {
        @ParentCommand
        Para para;

        @Mixin
        Para.OutputOption output;

        @Override
        public Integer call() {
            ArrayNode installations = all(para.api(), "/api/v1/installations");
            if (output.json()) {
                Para.printJson(para.out(), installations);
                return ExitCode.OK;
            }
            if (installations.isEmpty()) {
                para.out().println("No installation is linked to your account. Install the App: para setup");
            }
            for (JsonNode i : installations) {
                String repositories = i.path("repositorySelection").asText().equals("all")
                        ? "all repositories"
                        : String.join(", ", Api.JSON.convertValue(i.path("repositories"), String[].class));
                para.out()
                        .printf(
                                "%-12d %-24s %s%s%n",
                                i.path("id").asLong(),
                                i.path("githubAccount").asText(),
                                repositories,
                                i.path("suspended").asBoolean() ? "  (suspended)" : "");
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "setup", description = "The link that installs the GitHub App and links it to your account")
    static final class Setup implements Callable<Integer> {
        @ParentCommand
        Para para;

        @Mixin
        Para.OutputOption output;

        @Option(names = "--open", description = "open it in your browser (xdg-open or open)")
        boolean open;

        @Override
        public Integer call() throws IOException {
            JsonNode link = para.api().get("/api/v1/installations/install-url");
            if (output.json()) {
                Para.printJson(para.out(), link);
                return ExitCode.OK;
            }
            String url = link.path("url").asText();
            para.out().println("Open this link within 10 minutes, once, in the browser you use GitHub with:");
            para.out().println("  " + url);
            if (open) {
                String opener = System.getProperty("os.name", "").toLowerCase().contains("mac") ? "open" : "xdg-open";
                new ProcessBuilder(opener, url).inheritIO().start();
            }
            return ExitCode.OK;
        }
    }

    static void put(Map<String, Object> body, String key, Object value) {
        if (value != null) {
            body.put(key, value);
        }
    }
}
