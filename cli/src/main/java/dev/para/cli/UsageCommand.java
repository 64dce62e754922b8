package dev.para.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code para usage}: what the caller's agents spent today. */
@Command(name = "usage", description = "What your agents spent today (UTC), and what is left of the daily budget")
final class UsageCommand implements Callable<Integer> {
    @ParentCommand
    Para para;

    @Mixin
    Para.OutputOption output;

    @Override
    public Integer call() {
        JsonNode usage = para.api().get("/api/v1/usage");
        if (output.json()) {
            Para.printJson(para.out(), usage);
            return ExitCode.OK;
        }
        para.out()
                .printf(
                        "%s: $%.2f spent, $%.2f reserved by instances still running%n",
                        usage.path("date").asText(),
                        usage.path("spentUsd").asDouble(),
                        usage.path("reservedUsd").asDouble());
        for (JsonNode day : usage.path("installations")) {
            para.out()
                    .printf(
                            "  installation %d: $%.2f spent, $%.2f reserved%s%n",
                            day.path("installationId").asLong(),
                            day.path("spentUsd").asDouble(),
                            day.path("reservedUsd").asDouble(),
                            day.path("limitUsd").isNumber()
                                    ? String.format(
                                            ", $%.2f left of $%.2f",
                                            day.path("leftUsd").asDouble(),
                                            day.path("limitUsd").asDouble())
                                    : "");
        }
        return ExitCode.OK;
    }
}
