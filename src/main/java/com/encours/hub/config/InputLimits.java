package com.encours.hub.config;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits on what the hub reads from outside, so that bad input is refused before it costs memory:
 * <ul>
 *     <li>the JSON parser the hub shares (HTTP API, canonical messages, bureau replies) refuses deep
 *     nesting, overlong numbers and huge strings (Jackson {@link StreamReadConstraints});</li>
 *     <li>a request body larger than {@code hub.http.max-request-bytes} (64 KiB: the API takes small JSON
 *     commands) is answered 413 without being read; a chunked one is cut off at the limit.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class InputLimits {

    public static final int MAX_NESTING_DEPTH = 200;
    public static final int MAX_NUMBER_LENGTH = 1000;
    public static final int MAX_STRING_LENGTH = 4 * 1024 * 1024;

    public static StreamReadConstraints jsonConstraints() {
        return StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH)
                .maxNumberLength(MAX_NUMBER_LENGTH).maxStringLength(MAX_STRING_LENGTH).build();
    }

    @Bean
    Jackson2ObjectMapperBuilderCustomizer hubJsonLimits() {
        return builder -> builder.postConfigurer(mapper -> mapper.getFactory().setStreamReadConstraints(jsonConstraints()));
    }

    @Bean
    FilterRegistrationBean<RequestSizeLimit> requestSizeLimit(@Value("${hub.http.max-request-bytes:65536}") long maxBytes,
                                                               ObjectMapper json) {
        FilterRegistrationBean<RequestSizeLimit> registration = new FilterRegistrationBean<>(new RequestSizeLimit(maxBytes, json));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.addUrlPatterns("/*");
        return registration;
    }

    /** 413 for a body announced too large; a body that turns out too large fails its reading. */
    static final class RequestSizeLimit extends OncePerRequestFilter {

        private final long maxBytes;
        private final ObjectMapper json;

        RequestSizeLimit(long maxBytes, ObjectMapper json) {
            this.maxBytes = maxBytes;
            this.json = json;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            long announced = request.getContentLengthLong();
            if (announced > maxBytes) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("timestamp", Instant.now().toString());
                body.put("status", HttpStatus.PAYLOAD_TOO_LARGE.value());
                body.put("error", HttpStatus.PAYLOAD_TOO_LARGE.getReasonPhrase());
                body.put("message", "request body of " + announced + " bytes is larger than the " + maxBytes
                        + " bytes this API accepts");
                body.put("path", request.getRequestURI());
                response.setStatus(HttpStatus.PAYLOAD_TOO_LARGE.value());
                response.setContentType(MediaType.APPLICATION_JSON_VALUE);
                // the client may still be sending: do not keep the connection for the rest of it
                response.setHeader("Connection", "close");
                json.writeValue(response.getOutputStream(), body);
                return;
            }
            chain.doFilter(announced >= 0 ? request : new Limited(request, maxBytes), response);
        }
    }

    /** A request whose body stream fails once more than the limit has been read. */
    private static final class Limited extends HttpServletRequestWrapper {

        private final long maxBytes;

        Limited(HttpServletRequest request, long maxBytes) {
            super(request);
            this.maxBytes = maxBytes;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            ServletInputStream in = super.getInputStream();
            return new ServletInputStream() {
                private long read;

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0) {
                        count(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = in.read(buffer, offset, length);
                    if (n > 0) {
                        count(n);
                    }
                    return n;
                }

                private void count(int n) throws IOException {
                    read += n;
                    if (read > maxBytes) {
                        throw new IOException("request body is larger than the " + maxBytes + " bytes this API accepts");
                    }
                }

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    in.setReadListener(listener);
                }
            };
        }
    }
}
