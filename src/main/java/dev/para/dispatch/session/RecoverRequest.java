package dev.para.dispatch.session;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** Which instance's branch to continue from, and optionally what to tell the agent. */
public record RecoverRequest(@NotNull @Min(1) Integer instance, String prompt) {}
