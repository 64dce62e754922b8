package dev.para.dispatch.registry;

/** The login a session's pods pull their image with: the registry (as the pull secret names it) and the credential. */
public record PullLogin(String registry, RegistryCredential credential) {}
