package com.encours.hub.identity.vies;

import com.encours.hub.sandbox.SandboxPortfolio;
import com.encours.hub.sandbox.ViesSimulator;
import com.encours.hub.support.HubIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.apache.cxf.transport.servlet.AbstractHTTPServlet;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole hub in its default sandbox run: the {@code vies-sandbox} connector of application-sandbox.yaml
 * gives a {@link VatCheckService} that asks the sandbox's VIES simulator with the configured requester and
 * keeps the answers in PostgreSQL; Camel CXF adds no SOAP servlet to the hub's web server.
 */
class ViesSandboxIT extends HubIntegrationTest {

    @Autowired VatCheckService vatChecks;
    @Autowired ViesSimulator vies;
    @Autowired SandboxPortfolio portfolio;
    @Autowired JdbcTemplate jdbc;
    @Autowired ApplicationContext context;

    @Test
    void portfolioCompanyIsValidWithAConsultationNumberKeptInTheDatabase() {
        SandboxPortfolio.Company company = portfolio.companies().get(1);
        int before = vies.requests();

        VatCheck check = vatChecks.check(company.country(), company.vat());
        VatCheck again = vatChecks.check(company.country(), company.vat());

        assertThat(vatChecks.connector().id()).isEqualTo("vies-sandbox");
        assertThat(check.valid()).isTrue();
        assertThat(check.name()).isEqualTo(company.name().toUpperCase());
        assertThat(check.consultationNumber()).startsWith("WAPIAAAA");
        assertThat(again).isEqualTo(check);
        assertThat(vies.requests() - before).isEqualTo(1);
        assertThat(jdbc.queryForObject("select consultation_number from vat_check where connector_id = 'vies-sandbox' "
                + "and country_code = ? and vat_number = ?", String.class, company.country(), company.vat().substring(2)))
                .isEqualTo(check.consultationNumber());
    }

    @Test
    void hubRegistersNoSoapServlet() {
        assertThat(context.getBeansOfType(ServletRegistrationBean.class).values())
                .extracting(registration -> registration.getServlet().getClass())
                .noneMatch(AbstractHTTPServlet.class::isAssignableFrom);
    }
}
