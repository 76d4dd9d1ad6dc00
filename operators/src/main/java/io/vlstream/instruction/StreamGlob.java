package io.vlstream.instruction;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/** A glob over whole stream ids that matches in linear time, whatever the glob or the id. */
public final class StreamGlob implements Serializable {

    // The JDK's glob PathMatcher compiles to a backtracking regex: "*a*a*...*b" against a long
    // run of 'a's takes minutes, and Path.of(id) throws on ids that are not paths. This compiles
    // the glob into a small NFA and advances all its states together over the id, one code point
    // at a time, so a match costs at most O(|glob| x |id|) and never recurses.
    //
    // Differences from the JDK glob, on purpose: nothing is path-aware ('*', '?' and classes also
    // match '/'); "[^...]" negates like "[!...]"; ']' right after '[' or "[!" is a literal; '\'
    // escapes inside classes too; "a-c-e" in a class is refused as in the JDK.

    private static final long serialVersionUID = 1L;

    // One NFA state per literal, '?', class, collapsed '*', group and alternative end; ACCEPT last.
    private static final byte LITERAL = 0; // consumes the code point in arg
    private static final byte ANY = 1; // consumes any one code point
    private static final byte CLASS = 2; // consumes a code point in classes[arg] (or not in it)
    private static final byte STAR = 3; // consumes any code point and stays; or skips to next
    private static final byte SPLIT = 4; // skips to each start in alternatives[arg]
    private static final byte JUMP = 5; // skips to arg (end of an alternative, to after its group)
    private static final byte ACCEPT = 6;

    private final String glob;
    private final int wildcards;
    private final byte[] ops;
    private final int[] args;
    // Each class as [lo, hi] code point pairs in the order written; negated ones flip the answer.
    private final int[][] classes;
    private final boolean[] negated;
    private final int[][] alternatives;

    private StreamGlob(String glob, Parser p) {
        this.glob = glob;
        this.wildcards = p.wildcards;
        this.ops = Arrays.copyOf(p.ops, p.size);
        this.args = Arrays.copyOf(p.args, p.size);
        this.classes = p.classes.toArray(new int[0][]);
        this.negated = new boolean[p.classNegated.size()];
        for (int i = 0; i < negated.length; i++) {
            negated[i] = p.classNegated.get(i);
        }
        this.alternatives = p.alternatives.toArray(new int[0][]);
    }

    /**
     * Compiles a glob in one linear pass.
     *
     * @throws IllegalArgumentException naming the problem and its 0-based char position
     */
    public static StreamGlob compile(String glob) {
        Objects.requireNonNull(glob, "glob");
        return new StreamGlob(glob, new Parser(glob).parse());
    }

    /** Whether the whole id matches; false for null, never throws. */
    public boolean matches(String id) {
        if (id == null) {
            return false;
        }
        int n = ops.length;
        BitSet current = new BitSet(n);
        BitSet next = new BitSet(n);
        current.set(0);
        close(current);
        for (int i = 0; i < id.length(); ) {
            int cp = id.codePointAt(i);
            i += Character.charCount(cp);
            for (int s = current.nextSetBit(0); s >= 0; s = current.nextSetBit(s + 1)) {
                switch (ops[s]) {
                    case LITERAL:
                        if (args[s] == cp) {
                            next.set(s + 1);
                        }
                        break;
                    case ANY:
                        next.set(s + 1);
                        break;
                    case CLASS:
                        if (inClass(args[s], cp)) {
                            next.set(s + 1);
                        }
                        break;
                    case STAR:
                        next.set(s);
                        break;
                    default:
                        // SPLIT, JUMP and ACCEPT consume nothing.
                        break;
                }
            }
            if (next.isEmpty()) {
                return false;
            }
            close(next);
            BitSet swap = current;
            current = next;
            next = swap;
            next.clear();
        }
        return current.get(n - 1);
    }

    /** How many '*' (collapsed), '?', classes and groups the glob has, for callers' limits. */
    public int wildcards() {
        return wildcards;
    }

    /** The source glob, as given to {@link #compile}. */
    public String glob() {
        return glob;
    }

    // Adds every state reachable without consuming. Such moves only go forward (to a higher
    // state), so one ascending scan that sees its own additions reaches the closure.
    private void close(BitSet states) {
        for (int s = states.nextSetBit(0); s >= 0; s = states.nextSetBit(s + 1)) {
            switch (ops[s]) {
                case STAR:
                    states.set(s + 1);
                    break;
                case SPLIT:
                    for (int start : alternatives[args[s]]) {
                        states.set(start);
                    }
                    break;
                case JUMP:
                    states.set(args[s]);
                    break;
                default:
                    break;
            }
        }
    }

    private boolean inClass(int index, int cp) {
        int[] ranges = classes[index];
        boolean in = false;
        for (int r = 0; r < ranges.length && !in; r += 2) {
            in = ranges[r] <= cp && cp <= ranges[r + 1];
        }
        return in != negated[index];
    }

    /** Equal when the source globs are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof StreamGlob && ((StreamGlob) o).glob.equals(glob);
    }

    /** Hash of the source glob. */
    @Override
    public int hashCode() {
        return glob.hashCode();
    }

    /** The source glob. */
    @Override
    public String toString() {
        return glob;
    }

    // Serialized as its source and recompiled on read, so a stream cannot forge NFA tables.
    private Object writeReplace() {
        return new SerializedForm(glob);
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("StreamGlob is serialized through SerializedForm");
    }

    /** The serialized form of a {@link StreamGlob}: its source. */
    private static final class SerializedForm implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String glob;

        SerializedForm(String glob) {
            this.glob = glob;
        }

        private Object readResolve() {
            return compile(glob);
        }
    }

    /** One left-to-right pass over a glob, emitting NFA states. */
    private static final class Parser {
        private final String glob;
        private int pos;
        // A glob of n chars yields at most n states plus ACCEPT: each state takes at least one
        // char.
        private final byte[] ops;
        private final int[] args;
        private int size;
        private int wildcards;
        private final List<int[]> classes = new ArrayList<>();
        private final List<Boolean> classNegated = new ArrayList<>();
        private final List<int[]> alternatives = new ArrayList<>();

        Parser(String glob) {
            this.glob = glob;
            this.ops = new byte[glob.length() + 1];
            this.args = new int[glob.length() + 1];
        }

        Parser parse() {
            int groupAt = -1; // char position of the open '{', or -1 outside a group
            int splitState = -1;
            List<Integer> starts = new ArrayList<>();
            List<Integer> jumps = new ArrayList<>();
            boolean afterStar = false;
            while (pos < glob.length()) {
                int at = pos;
                int cp = glob.codePointAt(pos);
                pos += Character.charCount(cp);
                boolean star = false;
                switch (cp) {
                    case '*':
                        if (!afterStar) {
                            emit(STAR, 0);
                            wildcards++;
                        }
                        star = true;
                        break;
                    case '?':
                        emit(ANY, 0);
                        wildcards++;
                        break;
                    case '[':
                        emit(CLASS, parseClass(at));
                        wildcards++;
                        break;
                    case '{':
                        if (groupAt >= 0) {
                            throw error("nested '{' at " + at);
                        }
                        groupAt = at;
                        splitState = emit(SPLIT, alternatives.size());
                        alternatives.add(null); // filled in at '}'
                        starts.clear();
                        jumps.clear();
                        starts.add(size);
                        wildcards++;
                        break;
                    case ',':
                        if (groupAt < 0) {
                            emit(LITERAL, cp);
                        } else {
                            jumps.add(emit(JUMP, -1));
                            starts.add(size);
                        }
                        break;
                    case '}':
                        if (groupAt < 0) {
                            emit(LITERAL, cp);
                        } else {
                            // The last alternative falls through to here; the others jump.
                            for (int jump : jumps) {
                                args[jump] = size;
                            }
                            alternatives.set(
                                    args[splitState],
                                    starts.stream().mapToInt(Integer::intValue).toArray());
                            groupAt = -1;
                        }
                        break;
                    case '\\':
                        emit(LITERAL, escaped());
                        break;
                    default:
                        emit(LITERAL, cp);
                        break;
                }
                afterStar = star;
            }
            if (groupAt >= 0) {
                throw error("unclosed '{' at " + groupAt);
            }
            emit(ACCEPT, 0);
            return this;
        }

        // Parses a class after its '[' at `open`; returns its index in `classes`.
        private int parseClass(int open) {
            boolean negate = false;
            if (pos < glob.length() && (glob.charAt(pos) == '!' || glob.charAt(pos) == '^')) {
                negate = true;
                pos++;
            }
            int[] ranges = new int[8];
            int count = 0;
            boolean first = true;
            while (true) {
                if (pos >= glob.length()) {
                    throw error("unclosed '[' at " + open);
                }
                int at = pos;
                int lo = glob.codePointAt(pos);
                pos += Character.charCount(lo);
                if (lo == ']' && !first) {
                    break;
                }
                first = false;
                if (lo == '\\') {
                    lo = escaped();
                }
                int hi = lo;
                if (isRangeDash()) {
                    pos++;
                    hi = glob.codePointAt(pos);
                    pos += Character.charCount(hi);
                    if (hi == '\\') {
                        hi = escaped();
                    }
                    if (hi < lo) {
                        throw error("invalid range '" + glob.substring(at, pos) + "' at " + at);
                    }
                    // "a-c-e" reads as two ranges or as a range and a literal; refuse to guess.
                    if (isRangeDash()) {
                        throw error("ambiguous '-' after a range at " + pos);
                    }
                }
                if (count == ranges.length) {
                    ranges = Arrays.copyOf(ranges, count * 2);
                }
                ranges[count++] = lo;
                ranges[count++] = hi;
            }
            classes.add(Arrays.copyOf(ranges, count));
            classNegated.add(negate);
            return classes.size() - 1;
        }

        // A '-' at pos makes a range unless it is last in the class (or the glob ends).
        private boolean isRangeDash() {
            return pos + 1 < glob.length()
                    && glob.charAt(pos) == '-'
                    && glob.charAt(pos + 1) != ']';
        }

        // Reads the code point after a '\' just consumed.
        private int escaped() {
            if (pos >= glob.length()) {
                throw error("dangling '\\' at end (position " + (pos - 1) + ")");
            }
            int cp = glob.codePointAt(pos);
            pos += Character.charCount(cp);
            return cp;
        }

        private int emit(byte op, int arg) {
            ops[size] = op;
            args[size] = arg;
            return size++;
        }

        private IllegalArgumentException error(String problem) {
            // Callers add which glob and which instruction; the message says what and where.
            return new IllegalArgumentException(problem);
        }
    }
}
