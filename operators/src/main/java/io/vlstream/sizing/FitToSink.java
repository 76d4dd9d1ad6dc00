package io.vlstream.sizing;

import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.SourceRef;
import io.vlstream.deadletter.DeadLetters;
import io.vlstream.metrics.VlstreamMetric;
import io.vlstream.metrics.VlstreamMetrics;
import io.vlstream.serde.AvroCodec;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Makes every record fit its Kafka sink's request size before it reaches the sink, where a record
 * over {@code max.request.size} would fail the job (flink-connector-kafka restarts on a
 * RecordTooLargeException, and the record comes back each time).
 *
 * <p>A record's size is its encoded value (Avro single-object encoding, as the sink writes it),
 * plus the UTF-8 bytes of its stream id (the Kafka key), plus {@value #RECORD_OVERHEAD_BYTES} bytes
 * for headers, timestamps and batch framing. A record that fits is passed on unchanged. One that
 * does not is trimmed by its {@link Trimming} policy ({@link CaptionTrimming}, {@link
 * ScoreTrimming}): steps 0, 1, ... are tried in order and the first that fits is passed on, so no
 * more is left out than needed, and its {@code trimmed} field says what was left out; {@link
 * VlstreamMetric#OUTPUTS_TRIMMED} counts these by sink. If no step fits, the record goes to {@link
 * DeadLetters#TAG} with reason {@link ReasonCode#OUTPUT_TOO_LARGE}; if anything fails while it is
 * measured or trimmed, with {@link ReasonCode#PROCESSING_ERROR}. Either way the dead letter keeps
 * only the head of the encoded record, so it is small.
 *
 * @param <T> the record type the sink writes
 */
public class FitToSink<T extends SpecificRecord> extends ProcessFunction<T, T>
        implements ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    /** Bytes allowed per record besides its value and key: headers, timestamps, batch framing. */
    public static final int RECORD_OVERHEAD_BYTES = 512;

    /** The smallest value size a sink must take, beyond the overhead, to be worth fitting to. */
    private static final int MIN_VALUE_BYTES = 1024;

    /** The stream id (the Kafka key) of a record, as a function Flink can ship. */
    @FunctionalInterface
    public interface StreamIdOf<T> extends Function<T, String>, Serializable {}

    private final Class<T> type;
    private final Trimming<T> trimming;
    private final StreamIdOf<T> streamIdOf;
    private final String sink;
    private final int maxRecordBytes;

    private transient AvroCodec<T> codec;
    private transient Counter trimmedRecords;

    /**
     * A function fitting records of {@code type} to a sink that takes {@code maxRecordBytes}.
     *
     * @param type the generated record class the sink encodes
     * @param trimming how a record too large is trimmed
     * @param streamIdOf the record's stream id, which the sink writes as the key
     * @param sink the sink's name, for the metric's label and dead letters (e.g. "captions")
     * @param maxRecordBytes the sink producer's {@code max.request.size}
     * @throws IllegalArgumentException if {@code maxRecordBytes} leaves no room for a record
     */
    public FitToSink(
            Class<T> type,
            Trimming<T> trimming,
            StreamIdOf<T> streamIdOf,
            String sink,
            int maxRecordBytes) {
        this.type = Objects.requireNonNull(type, "type");
        this.trimming = Objects.requireNonNull(trimming, "trimming");
        this.streamIdOf = Objects.requireNonNull(streamIdOf, "streamIdOf");
        this.sink = Objects.requireNonNull(sink, "sink");
        if (maxRecordBytes <= RECORD_OVERHEAD_BYTES + MIN_VALUE_BYTES) {
            throw new IllegalArgumentException(
                    "maxRecordBytes of sink "
                            + sink
                            + " is "
                            + maxRecordBytes
                            + "; it must be more than "
                            + (RECORD_OVERHEAD_BYTES + MIN_VALUE_BYTES)
                            + " ("
                            + RECORD_OVERHEAD_BYTES
                            + " bytes of record overhead plus 1 KiB of record). Set it to the"
                            + " sink producer's max.request.size (Kafka's default is 1048576).");
        }
        this.maxRecordBytes = maxRecordBytes;
    }

    /** Creates the codec and registers the trimmed counter, labelled with the sink's name. */
    @Override
    public void open(OpenContext openContext) {
        codec = AvroCodec.of(type);
        trimmedRecords =
                VlstreamMetrics.counter(
                        getRuntimeContext().getMetricGroup(), VlstreamMetric.OUTPUTS_TRIMMED, sink);
    }

    /** The record type's own type information (Flink cannot infer it through the type variable). */
    @Override
    public TypeInformation<T> getProducedType() {
        return TypeInformation.of(type);
    }

    /** Passes the record on as it is or trimmed, or sends a dead letter instead; never throws. */
    @Override
    public void processElement(T record, Context ctx, Collector<T> out) {
        Outcome<T> outcome = fit(record);
        // Emitted outside fit's catch: a failing sink downstream must fail the job (and restore
        // from a checkpoint), not turn the record into a dead letter.
        if (outcome.record() != null) {
            out.collect(outcome.record());
        } else {
            ctx.output(DeadLetters.TAG, outcome.deadLetter());
        }
    }

    /** The record, or a trimmed copy, to send; or the dead letter instead. Never throws. */
    private Outcome<T> fit(T record) {
        String streamId = null;
        byte[] encoded = null;
        try {
            streamId = streamIdOf.apply(record);
            int fixedBytes =
                    RECORD_OVERHEAD_BYTES
                            + (streamId == null
                                    ? 0
                                    : streamId.getBytes(StandardCharsets.UTF_8).length);
            encoded = codec.encode(record);
            int size = encoded.length + fixedBytes;
            if (size <= maxRecordBytes) {
                return new Outcome<>(record, null);
            }
            Fitted<T> fitted =
                    Fitted.fit(
                            record,
                            size,
                            trimming,
                            trimmed -> codec.encode(trimmed).length + fixedBytes,
                            maxRecordBytes);
            if (fitted.fits()) {
                trimmedRecords.inc();
                return new Outcome<>(fitted.record(), null);
            }
            return new Outcome<>(
                    null,
                    deadLetter(ReasonCode.OUTPUT_TOO_LARGE, tooLarge(fitted), streamId, encoded));
        } catch (RuntimeException e) {
            return new Outcome<>(
                    null,
                    deadLetter(
                            ReasonCode.PROCESSING_ERROR,
                            "Could not fit a "
                                    + type.getSimpleName()
                                    + " to sink "
                                    + sink
                                    + ": "
                                    + e,
                            streamId,
                            encoded));
        }
    }

    private String tooLarge(Fitted<T> fitted) {
        return type.getSimpleName()
                + " for sink "
                + sink
                + " is "
                + fitted.originalBytes()
                + " bytes; the sink takes at most "
                + maxRecordBytes
                + (fitted.stepsTried() == 0
                        ? ", and its trimming policy has nothing to leave out"
                        : ", and trimming got it down to "
                                + fitted.bytes()
                                + " bytes at best ("
                                + fitted.stepsTried()
                                + " steps tried)");
    }

    private DeadLetter deadLetter(
            ReasonCode reason, String message, String streamId, byte[] encoded) {
        return DeadLetters.of(
                new SourceRef(sink, -1, -1L),
                reason,
                message,
                "fit-" + sink,
                streamId,
                encoded == null ? null : ByteBuffer.wrap(encoded));
    }

    /** Exactly one of a record to send and a dead letter. */
    private record Outcome<T>(T record, DeadLetter deadLetter) {}
}
