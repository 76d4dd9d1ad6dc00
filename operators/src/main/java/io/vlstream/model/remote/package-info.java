/**
 * A VLM served behind an OpenAI-compatible chat-completions endpoint (vLLM, Ollama, TGI, llama.cpp
 * server), called without blocking: bounded in-flight requests, timeouts, retries with backoff and
 * a circuit breaker. Plain Java: no Flink and no Avro types here.
 */
package io.vlstream.model.remote;
