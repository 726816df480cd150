package org.tubemail.internal.dns;

import java.util.List;
import java.util.function.Function;

/**
 * The answer to one lookup: records found, or the reason there are none.
 *
 * @param outcome whether the name and the record type exist
 * @param records the records, empty unless {@link Outcome#FOUND}
 * @param <T>     the record's value type
 */
public record DnsAnswer<T>(Outcome outcome, List<T> records) {

    /** What the server said. */
    public enum Outcome {
        /** At least one record of the type. */
        FOUND,
        /** The name exists but has no record of this type (NODATA). */
        NO_DATA,
        /** The name does not exist (NXDOMAIN). */
        NO_DOMAIN
    }

    public DnsAnswer {
        records = List.copyOf(records);
    }

    /** The same outcome with each record mapped. */
    public <U> DnsAnswer<U> map(Function<? super T, ? extends U> mapper) {
        return new DnsAnswer<>(outcome, records.stream().<U>map(mapper).toList());
    }

    static <T> DnsAnswer<T> none(Outcome outcome) {
        return new DnsAnswer<>(outcome, List.of());
    }
}
