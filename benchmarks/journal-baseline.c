/* The ceiling for a journal reader on this machine: open the files with sd-journal, visit every
 * entry and every field of it (one enumeration pass, as canh-agent does), and do nothing else.
 * Prints the number of entries and of field bytes seen. Built and run by benchmarks/journal-scan. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-journal.h>

int main(int argc, char **argv) {
    sd_journal *journal = NULL;
    int status = sd_journal_open_files(&journal, (const char **) (argv + 1), 0);
    if (status < 0) {
        fprintf(stderr, "sd_journal_open_files: %s\n", strerror(-status));
        return 2;
    }
    uint64_t entries = 0, bytes = 0;
    while (sd_journal_next(journal) > 0) {
        const void *data;
        size_t length;
        entries++;
        SD_JOURNAL_FOREACH_DATA(journal, data, length) bytes += length + ((const uint8_t *) data)[0];
    }
    printf("%" PRIu64 " %" PRIu64 "\n", entries, bytes);
    sd_journal_close(journal);
    return 0;
}
