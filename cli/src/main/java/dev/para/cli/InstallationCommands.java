package dev.para.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** The GitHub App's installations, and the link that installs it. */
final class InstallationCommands {

    private InstallationCommands() {}

    @Command(name = "installations", description = "The GitHub App's installations linked to your account")
    static final class Installations implements Callable<Integer> {
        @ParentCommand
        Para para;

        @Mixin
        Para.OutputOption output;

        @Override
        public Integer call() {
            return Requests.printAll(
                    para,
                    output,
                    "/api/v1/installations",
                    "No installation is linked to your account. Install the App: para setup",
                    i -> String.format(
                            "%-12d %-24s %s%s",
                            i.path("id").asLong(),
                            i.path("githubAccount").asText(),
                            i.path("repositorySelection").asText().equals("all")
                                    ? "all repositories"
                                    : String.join(", ", Api.JSON.convertValue(i.path("repositories"), String[].class)),
                            i.path("suspended").asBoolean() ? "  (suspended)" : ""));
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
}
