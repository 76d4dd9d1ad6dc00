package io.vlstream.decode;

import io.vlstream.avro.ReasonCode;

/**
 * What is wrong with a record's field: the DLQ reason and a message for a human.
 *
 * @param reason the dead letter's reason code
 * @param message what is wrong and the limit it broke, with any producer text cut short
 */
public record Violation(ReasonCode reason, String message) {}
