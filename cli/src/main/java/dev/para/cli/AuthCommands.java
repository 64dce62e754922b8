package dev.para.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** Logging in and out: where the service is, and the token to call it with. */
final class AuthCommands {

    private AuthCommands() {}

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
            Login login = new Login(url.replaceAll("/+$", ""), Requests.readSecret(para.env, tokenFile));
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
}
