package dev.para.dispatch.github.webhook;

/** The answer to GitHub: the delivery id and whether it was new ({@code accepted}) or a redelivery. */
public record WebhookReceipt(String delivery, String status) {}
