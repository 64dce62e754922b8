package dev.para.dispatch.playground;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** A comment written at the forge as the playground's user, e.g. {@code @para -n 2 say hello in Welsh}. */
public record PlaygroundComment(@NotBlank @Size(max = 65536) String body) {}
