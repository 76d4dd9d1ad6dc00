package io.vlstream.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * A Hugging Face {@code tokenizer.json} (any of its models: BPE, WordPiece, Unigram, WordLevel)
 * read with DJL's binding of the Rust {@code tokenizers} library. Thread-safe.
 */
public final class HfTokenizer implements AutoCloseable {

    /** Token ids and attention mask of one text, padded to a fixed length. */
    public record Tokens(long[] ids, long[] mask) {}

    private final Path file;
    private final HuggingFaceTokenizer withSpecials;
    private final HuggingFaceTokenizer plain;

    private HfTokenizer(Path file, HuggingFaceTokenizer withSpecials, HuggingFaceTokenizer plain) {
        this.file = file;
        this.withSpecials = withSpecials;
        this.plain = plain;
    }

    /**
     * Opens {@code tokenizer.json}.
     *
     * @throws ModelConfigurationException when the file is missing or not a tokenizer
     */
    public static HfTokenizer open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelConfigurationException(
                    "expected a Hugging Face tokenizer.json at "
                            + file.toAbsolutePath()
                            + ", found "
                            + (Files.exists(file) ? "a directory" : "nothing")
                            + " (set tokenizer=PATH)");
        }
        HuggingFaceTokenizer a = null;
        try {
            a = build(file, true);
            return new HfTokenizer(file, a, build(file, false));
        } catch (IOException | RuntimeException e) {
            if (a != null) {
                a.close();
            }
            throw new ModelConfigurationException(
                    "could not read the tokenizer " + file.toAbsolutePath() + ": " + e.getMessage(),
                    e);
        }
    }

    private static HuggingFaceTokenizer build(Path file, boolean specials) throws IOException {
        return HuggingFaceTokenizer.builder()
                .optTokenizerPath(file)
                .optAddSpecialTokens(specials)
                // Padding and truncation are done here, so the tokenizer.json's own settings (or
                // their absence) cannot change the shapes the model sees.
                .optPadding(false)
                .optTruncation(false)
                .build();
    }

    /**
     * The text as the model's text tower takes it: special tokens added as the tokenizer.json's
     * post-processor says, truncated to {@code length} (keeping the last token, usually the end
     * token), padded with {@code padId} to exactly {@code length}.
     */
    public Tokens encodeFixed(String text, int length, long padId) {
        long[] ids = withSpecials.encode(text).getIds();
        if (ids.length > length) {
            long last = ids[ids.length - 1];
            ids = Arrays.copyOf(ids, length);
            if (withSpecials.encode("").getIds().length > 0) {
                ids[length - 1] = last;
            }
        }
        long[] padded = new long[length];
        long[] mask = new long[length];
        Arrays.fill(padded, padId);
        System.arraycopy(ids, 0, padded, 0, ids.length);
        Arrays.fill(mask, 0, ids.length, 1L);
        return new Tokens(padded, mask);
    }

    /** Token ids of {@code text} without special tokens (a prompt prefix). */
    public long[] encodePlain(String text) {
        if (text.isEmpty()) {
            return new long[0];
        }
        return plain.encode(text).getIds();
    }

    /** The id of a token in the vocabulary, if it has one. */
    public OptionalLong idOf(String token) {
        // A special token encodes to itself; anything else that encodes to one id is a word.
        Encoding e = plain.encode(token);
        long[] ids = e.getIds();
        String[] tokens = e.getTokens();
        if (ids.length == 1 && tokens[0].equals(token)) {
            return OptionalLong.of(ids[0]);
        }
        return OptionalLong.empty();
    }

    /** The text of token ids, special tokens skipped. */
    public String decode(long[] ids) {
        return plain.decode(ids, true).strip();
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        withSpecials.close();
        plain.close();
    }
}
