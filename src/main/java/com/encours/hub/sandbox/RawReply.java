package com.encours.hub.sandbox;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A reply a simulator sends verbatim instead of its normal answer: any status, content type and bytes,
 * also bytes that are not UTF-8, and bodies of any size written in chunks (never held in memory whole).
 * Bad-input tests use it to play a partner that answers nonsense.
 *
 * @param chunked        send without Content-Length (the reader only finds out the size by reading)
 * @param body           writes the body; called once per reply
 */
public record RawReply(int status, String contentType, boolean chunked, long length, BodyWriter body) {

    @FunctionalInterface
    public interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    public static RawReply of(int status, String contentType, byte[] bytes) {
        return new RawReply(status, contentType, false, bytes.length, out -> out.write(bytes));
    }

    /** {@code prefix}, then {@code repeated} {@code times} times, then {@code suffix}: a body of any size. */
    public static RawReply repeated(int status, String contentType, boolean chunked, byte[] prefix, byte[] repeated,
                                    long times, byte[] suffix) {
        long length = prefix.length + repeated.length * times + suffix.length;
        return new RawReply(status, contentType, chunked, length, out -> {
            out.write(prefix);
            for (long i = 0; i < times; i++) {
                out.write(repeated);
            }
            out.write(suffix);
        });
    }

    void send(HttpExchange exchange) throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().add("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, chunked ? 0 : length == 0 ? -1 : length);
        try (OutputStream out = exchange.getResponseBody()) {
            body.write(out);
        } catch (IOException clientGaveUp) {
            // the hub refused the rest of an oversized body and closed the connection: that is the point
        }
    }

    /** Replies to use for matching requests, each once or until cleared. */
    public static final class Plan {

        private final CopyOnWriteArrayList<Entry> entries = new CopyOnWriteArrayList<>();

        /** Answers the next request whose path and query contain {@code fragment} with this reply, once. */
        public void once(String fragment, RawReply reply) {
            entries.add(new Entry(request -> request.contains(fragment), reply, true));
        }

        /** Answers every request whose path and query contain {@code fragment} with this reply until cleared. */
        public void always(String fragment, RawReply reply) {
            entries.add(new Entry(request -> request.contains(fragment), reply, false));
        }

        public void clear() {
            entries.clear();
        }

        /** Sends the planned reply for this exchange if there is one; returns whether it did. */
        boolean apply(HttpExchange exchange) throws IOException {
            String request = exchange.getRequestURI().toString();
            for (Entry entry : entries) {
                if (entry.matches().test(request) && (!entry.once() || entries.remove(entry))) {
                    entry.reply().send(exchange);
                    return true;
                }
            }
            return false;
        }

        private record Entry(Predicate<String> matches, RawReply reply, boolean once) {
        }
    }

    /** Content types partners use. */
    public static final Map<String, String> TYPES = Map.of("json", "application/json; charset=utf-8",
            "html", "text/html; charset=utf-8", "text", "text/plain; charset=utf-8");
}
