package com.encours.hub.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(OutputCaptureExtension.class)
class SecurityConfigurationTest {

    private static final Pattern GENERATED = Pattern.compile(
            "Encours Hub ops user: ops / (\\S+) \\(generated; set hub\\.security\\.users to choose your own\\)");

    private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();

    @Test
    void withoutConfiguredUsersOneOpsUserIsGeneratedAndItsPasswordLoggedOnce(CapturedOutput output) {
        List<UserDetails> users = SecurityConfiguration.users(new HubProperties.Security(), encoder);

        assertThat(users).hasSize(1);
        UserDetails ops = users.get(0);
        assertThat(ops.getUsername()).isEqualTo("ops");
        assertThat(ops.getAuthorities()).extracting(GrantedAuthority::getAuthority).containsExactly("ROLE_OPS");
        Matcher logged = GENERATED.matcher(output.getAll());
        assertThat(logged.find()).as("the generated password is logged").isTrue();
        String password = logged.group(1);
        assertThat(logged.find()).as("logged only once").isFalse();
        assertThat(password).hasSizeGreaterThanOrEqualTo(20);
        assertThat(encoder.matches(password, ops.getPassword())).isTrue();
        assertThat(ops.getPassword()).startsWith("{bcrypt}").doesNotContain(password);
    }

    @Test
    void everyStartGeneratesAnotherPassword(CapturedOutput output) {
        SecurityConfiguration.users(new HubProperties.Security(), encoder);
        SecurityConfiguration.users(new HubProperties.Security(), encoder);

        Matcher logged = GENERATED.matcher(output.getAll());
        assertThat(logged.find()).isTrue();
        String first = logged.group(1);
        assertThat(logged.find()).isTrue();
        assertThat(logged.group(1)).isNotEqualTo(first);
    }

    @Test
    void configuredUsersAreEncodedAndNoPasswordIsLogged(CapturedOutput output) {
        HubProperties.Security security = new HubProperties.Security();
        security.getUsers().add(user("alice", "plain-from-environment", "VIEWER"));
        String preEncoded = encoder.encode("already-encoded");
        security.getUsers().add(user("bob", preEncoded, "OPS"));

        List<UserDetails> users = SecurityConfiguration.users(security, encoder);

        assertThat(users).extracting(UserDetails::getUsername).containsExactly("alice", "bob");
        assertThat(users.get(0).getPassword()).startsWith("{bcrypt}");
        assertThat(encoder.matches("plain-from-environment", users.get(0).getPassword())).isTrue();
        assertThat(users.get(1).getPassword()).isEqualTo(preEncoded);
        assertThat(output.getAll()).doesNotContain("plain-from-environment").doesNotContain("ops user");
    }

    @Test
    void anUnknownRoleStopsStartupNamingTheProperty() {
        HubProperties.Security security = new HubProperties.Security();
        security.getUsers().add(user("carol", "secret", "ADMIN"));

        assertThatThrownBy(() -> SecurityConfiguration.users(security, encoder))
                .hasMessageContaining("hub.security.users[0].roles").hasMessageContaining("ADMIN");
    }

    private static HubProperties.User user(String name, String password, String role) {
        HubProperties.User user = new HubProperties.User();
        user.setName(name);
        user.setPassword(password);
        user.setRoles(List.of(role));
        return user;
    }
}
