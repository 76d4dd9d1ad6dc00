/**
 * Avro single-object encoding for every vlstream topic: a codec, the catalog of published schemas
 * that resolves writers' fingerprints, and thin Kafka and Flink adapters around the codec.
 */
package io.vlstream.serde;
