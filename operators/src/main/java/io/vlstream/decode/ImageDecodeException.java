package io.vlstream.decode;

import io.vlstream.avro.ReasonCode;

/** A frame's image could not be decoded; names the stream and frame, and the DLQ reason. */
public class ImageDecodeException extends Exception {

    private static final long serialVersionUID = 1L;

    private final ReasonCode reason;
    private final String streamId;
    private final long sequence;

    public ImageDecodeException(
            ReasonCode reason, String streamId, long sequence, String problem, Throwable cause) {
        super("Frame " + sequence + " of stream '" + streamId + "': " + problem, cause);
        this.reason = reason;
        this.streamId = streamId;
        this.sequence = sequence;
    }

    public ReasonCode reason() {
        return reason;
    }

    public String streamId() {
        return streamId;
    }

    public long sequence() {
        return sequence;
    }
}
