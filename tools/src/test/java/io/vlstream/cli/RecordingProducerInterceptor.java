package io.vlstream.cli;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A real Kafka producer plug-in, named in a test's properties file: it records the configuration
 * the producer was built with and counts the records it sends.
 */
public final class RecordingProducerInterceptor implements ProducerInterceptor<Object, Object> {

    static volatile Map<String, Object> configs;
    static final AtomicInteger SENT = new AtomicInteger();

    @Override
    public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
        SENT.incrementAndGet();
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {}

    @Override
    public void close() {}

    @Override
    public void configure(Map<String, ?> configs) {
        RecordingProducerInterceptor.configs = new java.util.HashMap<>(configs);
    }
}
