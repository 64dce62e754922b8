package dev.para.dispatch.session;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** Which instance's pull request to keep; the others' branches are deleted unless {@code keepBranches}. */
public record PickRequest(@NotNull @Min(1) Integer instance, Boolean keepBranches) {}
