package dev.para.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code para}: dispatch prompts to para-dispatch and follow them, from a terminal or a script. */
@Command(
        name = "para",
        mixinStandardHelpOptions = true,
        versionProvider = Para.Version.class,
        description = "Run a prompt against a repository N times in parallel on para-dispatch, and follow it.",
        subcommands = {
            AuthCommands.LoginCommand.class,
            AuthCommands.LogoutCommand.class,
            DispatchCommand.class,
            SessionCommands.Sessions.class,
            SessionCommands.Show.class,
            SessionCommands.FollowCommand.class,
            SessionCommands.Logs.class,
            SessionCommands.Cancel.class,
            SessionCommands.Recover.class,
            PickCommand.class,
            UsageCommand.class,
            ImageCommands.Images.class,
            CredentialCommands.Credentials.class,
            InstallationCommands.Installations.class,
            InstallationCommands.Setup.class,
            CommandLine.HelpCommand.class
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  done; with a session: every instance succeeded",
            "  1  the session or an instance of it failed or was cancelled",
            "  2  usage: the command line or the request was wrong, nothing changed",
            "  3  auth: no token, or the service refused it",
            "  4  not found: no such session, instance, image or credential",
            "  5  the service failed, was busy, or could not be reached",
            "",
            "Configuration: para login (~/.config/para/config, mode 0600), or PARA_URL and PARA_TOKEN.",
            "NO_COLOR turns colour off; TERM=dumb or a pipe gives plain appended lines."
        })
public final class Para implements Runnable {

    final Env env;

    Para(Env env) {
        this.env = env;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(env.out());
    }

    public static void main(String[] args) {
        int exit = run(Env.system(), args);
        System.out.flush();
        System.exit(exit);
    }

    /** Runs one command line; its exit code. */
    static int run(Env env, String... args) {
        CommandLine cli = new CommandLine(new Para(env));
        cli.setOut(new java.io.PrintWriter(env.out(), true));
        cli.setErr(new java.io.PrintWriter(env.err(), true));
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof CommandFailure failure) {
                env.err().println("para: " + failure.getMessage());
                return failure.exitCode();
            }
            env.err().println("para: " + e);
            return ExitCode.SERVER;
        });
        return cli.execute(args);
    }

    /** The API, as the login (or PARA_URL and PARA_TOKEN) says. */
    Api api() {
        return new Api(Login.read(env));
    }

    PrintStream out() {
        return env.out();
    }

    /** {@code --output}: text for people, json for scripts. */
    static final class OutputOption {
        @Option(
                names = {"-o", "--output"},
                defaultValue = "text",
                description = "text or json (the API's own JSON, one document)")
        Format format;

        boolean json() {
            return format == Format.json;
        }

        enum Format {
            text,
            json
        }
    }

    static void printJson(PrintStream out, JsonNode node) {
        try {
            out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Para.class.getPackage().getImplementationVersion();
            return new String[] {"para " + (v == null ? "dev" : v)};
        }
    }
}
