package io.vlstream.model.remote;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a response body as UTF-8 text, refusing more than a limit: a misbehaving server or proxy
 * cannot fill the task manager's heap with one answer.
 */
final class BoundedBody {

    private BoundedBody() {}

    /** The body was larger than the limit; nothing past the limit was read. */
    static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(long maxBytes) {
            super("the answer is larger than " + maxBytes + " bytes (max-answer-bytes)");
        }
    }

    /** A body handler that reads at most {@code maxBytes}. */
    static HttpResponse.BodyHandler<String> handler(long maxBytes) {
        return info -> new Subscriber(maxBytes);
    }

    /** Whether {@code error}, or an error it wraps, is a body over the limit. */
    static boolean tooLarge(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof TooLargeException) {
                return true;
            }
        }
        return false;
    }

    private static final class Subscriber implements HttpResponse.BodySubscriber<String> {
        private final HttpResponse.BodySubscriber<String> text =
                HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
        private final long maxBytes;
        private long seen;
        private boolean refused;
        private Flow.Subscription subscription;

        Subscriber(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public CompletionStage<String> getBody() {
            return text.getBody();
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            text.onSubscribe(s);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (refused) {
                return;
            }
            for (ByteBuffer item : items) {
                seen += item.remaining();
            }
            if (seen > maxBytes) {
                refused = true;
                subscription.cancel();
                text.onError(new TooLargeException(maxBytes));
                return;
            }
            text.onNext(items);
        }

        @Override
        public void onError(Throwable error) {
            if (!refused) {
                text.onError(error);
            }
        }

        @Override
        public void onComplete() {
            if (!refused) {
                text.onComplete();
            }
        }
    }
}
