package com.encours.hub.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * HTTP Basic for every endpoint, the actuator included: VIEWER reads, OPS also acts on failed messages.
 * Stateless, so CSRF (a cookie-session attack) does not apply to the JSON API.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

    public static final String VIEWER = "VIEWER";
    public static final String OPS = "OPS";
    static final String GENERATED_USER = "ops";

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);
    private static final Set<String> ROLES = Set.of(VIEWER, OPS);
    /** A password already encoded for the DelegatingPasswordEncoder, e.g. {@code {bcrypt}$2a$...}. */
    private static final Pattern ENCODED = Pattern.compile("^\\{[a-zA-Z0-9_-]+}.+");

    @Bean
    SecurityFilterChain hubSecurity(HttpSecurity http, ObjectMapper json) throws Exception {
        return http
                .csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.realmName("Encours Hub")
                        .authenticationEntryPoint((request, response, e) -> {
                            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Encours Hub\"");
                            writeError(json, request, response, HttpStatus.UNAUTHORIZED, "Authentication required");
                        }))
                .exceptionHandling(errors -> errors.accessDeniedHandler((request, response, e) ->
                        writeError(json, request, response, HttpStatus.FORBIDDEN, "Your role does not allow this")))
                .authorizeHttpRequests(requests -> requests
                        // An error page is rendered for a request that was already authorised.
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers(HttpMethod.GET, "/api/**", "/actuator/**").hasRole(VIEWER)
                        .requestMatchers(HttpMethod.POST, "/api/ops/**").hasRole(OPS)
                        .requestMatchers(HttpMethod.DELETE, "/api/ops/**").hasRole(OPS)
                        .anyRequest().hasRole(OPS))
                .build();
    }

    @Bean
    static RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix().role(OPS).implies(VIEWER).build();
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    InMemoryUserDetailsManager hubUsers(HubProperties properties, PasswordEncoder passwordEncoder) {
        return new InMemoryUserDetailsManager(users(properties.getSecurity(), passwordEncoder));
    }

    /**
     * The configured users with their passwords encoded; without any, one generated {@code ops} user whose
     * password is logged once, since nobody could log in otherwise.
     */
    static List<UserDetails> users(HubProperties.Security security, PasswordEncoder encoder) {
        if (security.getUsers().isEmpty()) {
            String password = generatePassword();
            log.warn("Encours Hub ops user: {} / {} (generated; set hub.security.users to choose your own)",
                    GENERATED_USER, password);
            return List.of(User.withUsername(GENERATED_USER).password(encoder.encode(password)).roles(OPS).build());
        }
        List<UserDetails> users = new ArrayList<>();
        for (int i = 0; i < security.getUsers().size(); i++) {
            HubProperties.User user = security.getUsers().get(i);
            String prefix = "hub.security.users[" + i + "]";
            require(user.getName() != null && !user.getName().isBlank(), prefix + ".name", "is required");
            require(user.getPassword() != null && !user.getPassword().isBlank(), prefix + ".password", "is required");
            require(!user.getRoles().isEmpty(), prefix + ".roles", "is required (one of " + ROLES + ")");
            for (String role : user.getRoles()) {
                require(ROLES.contains(role), prefix + ".roles", "'" + role + "' is not one of " + ROLES);
            }
            // A plain password (typically from the environment) is encoded now and never kept in clear.
            String password = ENCODED.matcher(user.getPassword()).matches()
                    ? user.getPassword() : encoder.encode(user.getPassword());
            users.add(User.withUsername(user.getName()).password(password)
                    .roles(user.getRoles().toArray(String[]::new)).build());
        }
        return users;
    }

    private static String generatePassword() {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static void require(boolean condition, String property, String problem) {
        if (!condition) {
            throw new IllegalStateException(property + " " + problem);
        }
    }

    /** Same shape as Spring Boot's error responses, so clients parse one format. */
    private static void writeError(ObjectMapper json, HttpServletRequest request, HttpServletResponse response,
                                   HttpStatus status, String message) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("timestamp", Instant.now().toString());
        body.put("status", status.value());
        body.put("error", status.getReasonPhrase());
        body.put("message", message);
        body.put("path", request.getRequestURI());
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), body);
    }
}
