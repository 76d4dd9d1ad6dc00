/**
 * Decode and validate: Kafka bytes to Avro records to images, with size and dimension limits
 * enforced before anything large is allocated. Plain Java; bad input becomes a {@link
 * io.vlstream.avro.internal.Failure} with a reason code for the DLQ, never an exception in the job.
 */
package io.vlstream.decode;
