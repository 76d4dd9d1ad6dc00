/**
 * Dead letters: the records every stage sends to the DLQ instead of throwing, the side output they
 * travel on, and the bounded {@link io.vlstream.avro.internal.Failure}s envelopes carry there.
 * Every stage may use it; it uses no stage.
 */
package io.vlstream.deadletter;
