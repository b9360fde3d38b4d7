package com.encours.hub.erp.drop;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which column of a CSV drop holds which field of a drop record (mappings/erp/file-drop/README.md lists the
 * fields), read from a {@code *.columns.json} file under {@code mappings/}.
 *
 * @param delimiter        ; , | or tab (default ;)
 * @param itemKey          the columns whose values, joined by "/", tell an item from the file's others and
 *                         stay the same from one file to the next (e.g. the invoice number)
 * @param dateFormat       how the file writes dates, as a JSONata picture (e.g. {@code [D01]/[M01]/[Y0001]})
 * @param decimalSeparator "." or ","
 * @param trailer          when set, the file ends with a line whose first field is this label and whose second
 *                         field is the number of data lines: a file without it, or with another count, was cut
 *                         short and is refused whole
 * @param debtor           drop record field → column, for the customer columns of a line
 * @param openItem         drop record field → column, for the item columns of a line
 * @param values           drop record field → (value as written → value of the record), e.g. document type
 *                         codes {@code F → INVOICE}; a value not listed is given as written
 */
@JsonIgnoreProperties("description")
record CsvColumnMap(String delimiter, List<String> itemKey, String dateFormat, String decimalSeparator, String trailer,
                    Map<String, String> debtor, Map<String, String> openItem, Map<String, Map<String, String>> values) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static final Set<String> DEBTOR_FIELDS = Set.of("debtorRef", "name", "vat", "registrationNumber", "country",
            "street", "postalCode", "city", "email", "phone", "customerType", "paymentTerms", "creditLimit",
            "currency", "blocked");
    static final Set<String> OPEN_ITEM_FIELDS = Set.of("debtorRef", "docType", "docNumber", "paymentRef", "issueDate",
            "dueDate", "originalAmount", "openAmount", "currency", "dunningLevel", "lastReminderDate", "disputed",
            "disputeReason");

    CsvColumnMap {
        delimiter = delimiter == null ? ";" : delimiter;
        debtor = debtor == null ? Map.of() : new LinkedHashMap<>(debtor);
        openItem = openItem == null ? Map.of() : new LinkedHashMap<>(openItem);
        values = values == null ? Map.of() : values;
    }

    /** @throws IOException when the file is not a column map (unknown keys included) */
    static CsvColumnMap read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), CsvColumnMap.class);
    }

    /** What is wrong with the map itself, whatever file it reads; empty when nothing is. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!List.of(";", ",", "|", "tab").contains(delimiter)) {
            problems.add("delimiter must be one of ; , | tab, was " + delimiter);
        }
        if (itemKey == null || itemKey.isEmpty()) {
            problems.add("itemKey must name at least one column");
        }
        if (!".".equals(decimalSeparator) && !",".equals(decimalSeparator)) {
            problems.add("decimalSeparator must be \".\" or \",\", was " + decimalSeparator);
        }
        if (dateFormat == null || !dateFormat.contains("[Y") || !dateFormat.contains("[M") || !dateFormat.contains("[D")) {
            problems.add("dateFormat must be a JSONata picture with year, month and day, e.g. [D01]/[M01]/[Y0001], was "
                    + dateFormat);
        }
        unknown(debtor.keySet(), DEBTOR_FIELDS, "debtor", problems);
        unknown(openItem.keySet(), OPEN_ITEM_FIELDS, "openItem", problems);
        for (String required : List.of("debtorRef", "name")) {
            if (!debtor.containsKey(required)) {
                problems.add("debtor must name the column of " + required);
            }
        }
        for (String required : List.of("debtorRef", "docNumber", "dueDate", "openAmount")) {
            if (!openItem.containsKey(required)) {
                problems.add("openItem must name the column of " + required);
            }
        }
        return problems;
    }

    char delimiterCharacter() {
        return "tab".equals(delimiter) ? '\t' : delimiter.charAt(0);
    }

    /** Columns the map names that the header lacks. */
    List<String> missingFrom(List<String> header) {
        Set<String> named = new LinkedHashSet<>(itemKey);
        named.addAll(debtor.values());
        named.addAll(openItem.values());
        return named.stream().filter(column -> !header.contains(column)).toList();
    }

    /** The value a record gets for {@code field} from what the file wrote. */
    String translate(String field, String written) {
        Map<String, String> codes = values.get(field);
        return codes == null ? written : codes.getOrDefault(written.trim(), written);
    }

    private static void unknown(Set<String> fields, Set<String> known, String section, List<String> problems) {
        fields.stream().filter(field -> !known.contains(field)).sorted().forEach(field ->
                problems.add(section + "." + field + " is no drop record field (known: " + known.stream().sorted().toList() + ")"));
    }
}
