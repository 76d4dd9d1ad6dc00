package io.vlstream.jobs;

import static io.vlstream.jobs.Settings.require;
import static io.vlstream.jobs.Settings.valid;

import io.vlstream.decode.InputLimits;
import java.io.Serializable;
import org.apache.flink.configuration.Configuration;

/**
 * The limits every record is checked against where it is read, and the bounds of what the job keeps
 * and sends.
 *
 * @param inputs field limits of every input record
 * @param maxEvidenceBytes most bytes of evidence images one stream and instruction keep
 * @param maxOutputRecordBytes the size every caption and score record is made to fit
 */
public record LimitSettings(InputLimits inputs, long maxEvidenceBytes, int maxOutputRecordBytes)
        implements Serializable {

    /** Room for a dead letter and a trimmed caption with its lineage. */
    static final int MIN_OUTPUT_RECORD_BYTES = 16 * 1024;

    /**
     * Reads and checks {@link LimitOptions}; output records must fit the producer's request size,
     * which {@code kafka} knows.
     */
    public static LimitSettings from(Configuration conf, KafkaSettings kafka) {
        LimitSettings limits =
                new LimitSettings(
                        valid("vlstream.limits.*", () -> LimitOptions.inputLimits(conf)),
                        conf.get(LimitOptions.MAX_EVIDENCE_BYTES).getBytes(),
                        conf.get(LimitOptions.MAX_OUTPUT_RECORD_BYTES));
        require(
                limits.maxEvidenceBytes > 0,
                LimitOptions.MAX_EVIDENCE_BYTES.key(),
                "must be positive");
        int maxRequest = kafka.maxRequestBytes();
        require(
                limits.maxOutputRecordBytes >= MIN_OUTPUT_RECORD_BYTES
                        && limits.maxOutputRecordBytes <= maxRequest,
                LimitOptions.MAX_OUTPUT_RECORD_BYTES.key(),
                "must be between "
                        + MIN_OUTPUT_RECORD_BYTES
                        + " and the producer's max.request.size ("
                        + maxRequest
                        + "), got "
                        + limits.maxOutputRecordBytes);
        return limits;
    }
}
