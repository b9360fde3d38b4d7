package com.encours.hub.core.partner;

import javax.net.ssl.SSLSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a partner's response body up to a limit. A body announced (Content-Length) or found (bytes
 * received) larger than the limit is not read further: the subscription is cancelled, which closes the
 * connection, and the result says so instead of holding the bytes. Text is decoded with the charset of
 * the Content-Type (UTF-8 when none); bytes that are not valid in it become U+FFFD, which the mapping
 * layer refuses record by record (see {@code JsonataMapper}).
 */
final class BoundedBody {

    private BoundedBody() {
    }

    /** The bytes read, or that there were too many. */
    record Body(byte[] bytes, boolean tooLarge, long sizeSeen, Charset charset) {

        String text() {
            return bytes == null ? null : new String(bytes, charset);
        }
    }

    static HttpResponse.BodyHandler<Body> handler(long maxBytes) {
        return info -> {
            Charset charset = charset(info.headers());
            OptionalLong announced = info.headers().firstValueAsLong("Content-Length");
            if (announced.isPresent() && announced.getAsLong() > maxBytes) {
                return new Refusing(announced.getAsLong(), charset);
            }
            return new Collecting(maxBytes, charset);
        };
    }

    static HttpResponse<String> asString(HttpResponse<Body> response) {
        return new TextResponse(response, response.body().text());
    }

    static Charset charset(HttpHeaders headers) {
        String type = headers.firstValue("Content-Type").orElse("");
        for (String parameter : type.split(";")) {
            String[] pair = parameter.trim().split("=", 2);
            if (pair.length == 2 && pair[0].trim().toLowerCase(Locale.ROOT).equals("charset")) {
                try {
                    return Charset.forName(pair[1].trim().replace("\"", ""));
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    return StandardCharsets.UTF_8;
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    /** Cancels at once: nothing of the body is read. */
    private static final class Refusing implements HttpResponse.BodySubscriber<Body> {

        private final CompletableFuture<Body> result = new CompletableFuture<>();
        private final long announced;
        private final Charset charset;

        Refusing(long announced, Charset charset) {
            this.announced = announced;
            this.charset = charset;
        }

        @Override
        public CompletionStage<Body> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.cancel();
            result.complete(new Body(null, true, announced, charset));
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
        }

        @Override
        public void onError(Throwable throwable) {
            result.complete(new Body(null, true, announced, charset));
        }

        @Override
        public void onComplete() {
            result.complete(new Body(null, true, announced, charset));
        }
    }

    /** Keeps the bytes until the limit; past it, cancels and drops what it held. */
    private static final class Collecting implements HttpResponse.BodySubscriber<Body> {

        private final CompletableFuture<Body> result = new CompletableFuture<>();
        private final long maxBytes;
        private final Charset charset;
        private Flow.Subscription subscription;
        private byte[] buffer = new byte[8192];
        private int size;
        private long seen;

        Collecting(long maxBytes, Charset charset) {
            this.maxBytes = maxBytes;
            this.charset = charset;
        }

        @Override
        public CompletionStage<Body> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                seen += item.remaining();
                if (seen > maxBytes) {
                    buffer = null;
                    subscription.cancel();
                    result.complete(new Body(null, true, seen, charset));
                    return;
                }
                int length = item.remaining();
                if (size + length > buffer.length) {
                    long grown = Math.max((long) buffer.length * 2, (long) size + length);
                    buffer = java.util.Arrays.copyOf(buffer, (int) Math.min(grown, Math.max(maxBytes, size + length)));
                }
                item.get(buffer, size, length);
                size += length;
            }
        }

        @Override
        public void onError(Throwable throwable) {
            buffer = null;
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            if (!result.isDone()) {
                result.complete(new Body(java.util.Arrays.copyOf(buffer, size), false, seen, charset));
                buffer = null;
            }
        }
    }

    /** The response with its body as text; everything else is the original's. */
    private record TextResponse(HttpResponse<Body> original, String text) implements HttpResponse<String> {

        @Override
        public int statusCode() {
            return original.statusCode();
        }

        @Override
        public HttpRequest request() {
            return original.request();
        }

        @Override
        public Optional<HttpResponse<String>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
            return original.headers();
        }

        @Override
        public String body() {
            return text;
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return original.sslSession();
        }

        @Override
        public URI uri() {
            return original.uri();
        }

        @Override
        public HttpClient.Version version() {
            return original.version();
        }
    }
}
