package io.vlstream.kafka;

import io.vlstream.avro.SourceRef;
import io.vlstream.avro.TimedText;
import io.vlstream.avro.internal.Failure;
import io.vlstream.avro.internal.TextEnvelope;
import io.vlstream.decode.DecodeLimits;
import io.vlstream.decode.InputLimits;

/** Texts topic → {@link TextEnvelope}. */
public final class TextEnvelopeDeserializer extends EnvelopeDeserializer<TimedText, TextEnvelope> {

    public TextEnvelopeDeserializer(DecodeLimits limits, InputLimits fields) {
        super(TimedText.class, TextEnvelope.class, limits, fields);
    }

    @Override
    TextEnvelope envelope(
            SourceRef source,
            long receivedAtMicros,
            byte[] key,
            byte[] value,
            TimedText record,
            Failure failure) {
        return new TextEnvelope(source, receivedAtMicros, record, failure);
    }
}
