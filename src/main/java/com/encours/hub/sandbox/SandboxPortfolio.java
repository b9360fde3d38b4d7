package com.encours.hub.sandbox;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The sandbox's made-up customer base, shared by the simulated ERP and the simulated bureau so that
 * they agree: 50 companies from Belgium, France and the Netherlands with valid VAT numbers, and 500
 * invoices around today — some overdue, some partly paid, some paid. Generated from a fixed seed, so
 * the same portfolio comes back on every start (dates move with today).
 */
public class SandboxPortfolio {

    public static final int COMPANIES = 50;
    public static final int INVOICES = 500;

    private static final String[] NAMES = {"Brouwerij", "Transport", "Bouw", "Logistique", "Menuiserie", "Techniek",
            "Distribution", "Agro", "Imprimerie", "Elektro", "Verpakking", "Boulangerie", "Metaal", "Textiel", "Chimie"};
    private static final String[] SUFFIXES = {"Van Damme", "Dupont", "De Vries", "Martin", "Peeters", "Janssen",
            "Lambert", "Bakker", "Moreau", "Claes", "Visser", "Girard", "Maes", "Smit", "Leroy"};
    private static final String[] BANDS = {"A", "B", "C", "D", "E"};

    private final List<Company> companies;
    private final List<Invoice> invoices;

    public SandboxPortfolio() {
        this(Clock.systemUTC(), 20261124L);
    }

    public SandboxPortfolio(Clock clock, long seed) {
        this(clock, COMPANIES, INVOICES, seed);
    }

    /** A portfolio of another size (load and reliability tests); same shapes as the default one. */
    public SandboxPortfolio(int companies, int invoices, long seed) {
        this(Clock.systemUTC(), companies, invoices, seed);
    }

    public SandboxPortfolio(Clock clock, int companyCount, int invoiceCount, long seed) {
        if (companyCount < 14 || invoiceCount < 1) {
            throw new IllegalArgumentException("a sandbox portfolio needs at least 14 companies and one invoice");
        }
        Random random = new Random(seed);
        LocalDate today = LocalDate.now(clock);
        Instant baseModified = today.minusDays(200).atStartOfDay().toInstant(ZoneOffset.UTC);
        List<Company> generated = new ArrayList<>();
        for (int i = 0; i < companyCount; i++) {
            String country = i % 3 == 0 ? "BE" : i % 3 == 1 ? "FR" : "NL";
            String regNo = switch (country) {
                case "BE" -> belgianEnterpriseNumber(random);
                case "FR" -> frenchSiren(random);
                default -> dutchVatDigits(random);
            };
            String vat = switch (country) {
                case "BE" -> "BE" + regNo;
                case "FR" -> "FR" + frenchVatKey(regNo) + regNo;
                default -> "NL" + regNo + "B01";
            };
            String name = NAMES[i % NAMES.length] + " " + SUFFIXES[(i * 7) % SUFFIXES.length]
                    + (country.equals("FR") ? " SAS" : country.equals("BE") ? " NV" : " BV");
            // Company 7 is unrated by the bureau; company 13 has a limit the bureau writes in words.
            boolean rated = i != 7;
            int providerScore = 20 + random.nextInt(80);
            String band = rated ? BANDS[Math.min(4, (100 - providerScore) / 20)] : null;
            String limit = i == 13 ? "Refer to bureau"
                    : rated ? String.valueOf((providerScore / 10) * 5000) : null;
            generated.add(new Company(String.format(Locale.ROOT, "C%05d", 10000 + i * 10), UUID.nameUUIDFromBytes(
                    ("customer-" + i).getBytes()).toString(), name, country, vat, regNo,
                    rated ? providerScore : null, band, limit,
                    BigDecimal.valueOf(10_000L + random.nextInt(20) * 5_000L)));
        }
        List<Invoice> generatedInvoices = new ArrayList<>();
        for (int n = 0; n < invoiceCount; n++) {
            Company company = generated.get(random.nextInt(companyCount));
            LocalDate invoiceDate = today.minusDays(random.nextInt(150));
            LocalDate dueDate = invoiceDate.plusDays(30);
            BigDecimal total = BigDecimal.valueOf(200 + random.nextInt(20_000))
                    .add(BigDecimal.valueOf(random.nextInt(100), 2)).setScale(2, RoundingMode.UNNECESSARY);
            int kind = random.nextInt(10);
            BigDecimal remaining = kind < 2 ? BigDecimal.ZERO.setScale(2)
                    : kind < 4 ? total.divide(BigDecimal.valueOf(2 + random.nextInt(3)), 2, RoundingMode.HALF_UP)
                    : total;
            String currency = company.country().equals("NL") && n % 25 == 0 ? "USD" : "EUR";
            generatedInvoices.add(new Invoice(UUID.nameUUIDFromBytes(("invoice-" + n).getBytes()).toString(),
                    "SI-" + (103001 + n), company, invoiceDate, dueDate, currency, total, remaining,
                    baseModified.plusSeconds(n * 60L)));
        }
        this.companies = Collections.unmodifiableList(generated);
        this.invoices = new CopyOnWriteArrayList<>(generatedInvoices);
    }

    public List<Company> companies() {
        return companies;
    }

    public List<Invoice> invoices() {
        return List.copyOf(invoices);
    }

    public Optional<Company> companyByVat(String vat) {
        String wanted = vat.replaceAll("[\\s.]", "").toUpperCase(Locale.ROOT);
        return companies.stream().filter(c -> c.vat().equals(wanted) || c.vat().substring(2).equals(wanted)).findFirst();
    }

    public Optional<Company> companyByRegNo(String regNo) {
        return companies.stream().filter(c -> c.regNo().equals(regNo)).findFirst();
    }

    public Invoice invoice(String number) {
        return invoices.stream().filter(i -> i.number().equals(number)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no sandbox invoice " + number));
    }

    /** Records a payment in the ERP: the remaining amount drops and the invoice counts as modified now. */
    public synchronized Invoice pay(String number, BigDecimal amount, Instant at) {
        Invoice current = invoice(number);
        BigDecimal remaining = current.remainingAmount().subtract(amount).max(BigDecimal.ZERO.setScale(2));
        Invoice changed = new Invoice(current.id(), current.number(), current.customer(), current.invoiceDate(),
                current.dueDate(), current.currency(), current.totalAmount(), remaining, at);
        invoices.set(invoices.indexOf(current), changed);
        return changed;
    }

    /** A customer of the sandbox ERP and what the sandbox bureau says of it. */
    public record Company(String number, String id, String name, String country, String vat, String regNo,
                          Integer providerScore, String ratingBand, String creditLimit, BigDecimal internalLimit) {
    }

    public record Invoice(String id, String number, Company customer, LocalDate invoiceDate, LocalDate dueDate,
                          String currency, BigDecimal totalAmount, BigDecimal remainingAmount, Instant lastModified) {
    }

    /** Belgian enterprise number: 0 + 7 digits + 97 - (those 8 digits mod 97). */
    static String belgianEnterpriseNumber(Random random) {
        long base = 2_000_000 + random.nextInt(7_999_999);
        long check = 97 - (base % 97);
        return String.format(Locale.ROOT, "0%07d%02d", base, check);
    }

    /** SIREN: nine digits passing the Luhn check. */
    static String frenchSiren(Random random) {
        String body = String.format(Locale.ROOT, "%08d", 30_000_000 + random.nextInt(60_000_000));
        for (int last = 0; last < 10; last++) {
            if (luhnValid(body + last)) {
                return body + last;
            }
        }
        throw new IllegalStateException("unreachable: one Luhn digit always exists");
    }

    /** French VAT key: (12 + 3 × (SIREN mod 97)) mod 97, two digits. */
    static String frenchVatKey(String siren) {
        return String.format(Locale.ROOT, "%02d", (12 + 3 * (Long.parseLong(siren) % 97)) % 97);
    }

    /** Dutch VAT digits (before "B01"): nine digits passing the eleven test (weights 9..2, last -1). */
    static String dutchVatDigits(Random random) {
        while (true) {
            String candidate = String.format(Locale.ROOT, "%09d", 100_000_000 + random.nextInt(800_000_000));
            int sum = 0;
            for (int i = 0; i < 8; i++) {
                sum += (9 - i) * (candidate.charAt(i) - '0');
            }
            sum -= candidate.charAt(8) - '0';
            if (sum % 11 == 0) {
                return candidate;
            }
        }
    }

    private static boolean luhnValid(String digits) {
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(digits.length() - 1 - i) - '0';
            if (i % 2 == 1) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return sum % 10 == 0;
    }
}
