package com.encours.hub.erp.fec;

import com.encours.hub.erp.drop.DropFiles;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads a FEC file line by line, never more than one line in memory. The header is checked before the
 * first data line is given out.
 */
final class FecReader {

    /** Longer lines are cut there and given out as malformed: one endless line must not fill the heap. */
    static final int MAX_LINE_CHARS = 64 * 1024;

    /**
     * One data line.
     *
     * @param number line number in the file (the header is line 1)
     * @param text   the line as read, without its line break
     * @param fields its fields; a well-formed line has exactly 18
     * @param cut    the line was longer than {@link #MAX_LINE_CHARS} and {@code text} is its beginning only
     */
    record Line(long number, String text, List<String> fields, boolean cut) {

        boolean wellFormed() {
            return !cut && fields.size() == FecFormat.COLUMNS.size();
        }

        String field(int column) {
            return fields.get(column);
        }
    }

    private FecReader() {
    }

    /** @return the number of non-blank lines after the header */
    static long read(Path file, Charset configuredCharset, FecFormat.Separator configuredSeparator, Consumer<Line> visitor)
            throws IOException {
        try (Reader text = DropFiles.openText(file, configuredCharset)) {
            LineReader lines = new LineReader(text);
            FecFormat.Separator separator = FecFormat.checkHeader(lines.next(), configuredSeparator);
            long number = 1;
            long dataRows = 0;
            String line;
            while ((line = lines.next()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                dataRows++;
                visitor.accept(new Line(number, line, FecFormat.split(line, separator), lines.lastLineCut()));
            }
            return dataRows;
        }
    }

    /** Lines ended by LF or CRLF, each cut at {@link #MAX_LINE_CHARS}. */
    private static final class LineReader {

        private final Reader reader;
        private final char[] buffer = new char[1 << 15];
        private int position;
        private int limit;
        private boolean cut;

        LineReader(Reader reader) {
            this.reader = reader;
        }

        String next() throws IOException {
            StringBuilder line = new StringBuilder(256);
            boolean any = false;
            cut = false;
            while (true) {
                if (position == limit) {
                    limit = reader.read(buffer);
                    position = 0;
                    if (limit <= 0) {
                        limit = 0;
                        return any ? trimCarriageReturn(line) : null;
                    }
                }
                any = true;
                char c = buffer[position++];
                if (c == '\n') {
                    return trimCarriageReturn(line);
                }
                if (line.length() < MAX_LINE_CHARS) {
                    line.append(c);
                } else {
                    cut = true;
                }
            }
        }

        boolean lastLineCut() {
            return cut;
        }

        private static String trimCarriageReturn(StringBuilder line) {
            int end = line.length();
            if (end > 0 && line.charAt(end - 1) == '\r') {
                end--;
            }
            return line.substring(0, end);
        }
    }
}
