package dev.para.dispatch.registry;

/** An image the registry has: its manifest's digest and media type. */
public record ImageCheck(ImageReference image, String digest, String mediaType) {}
