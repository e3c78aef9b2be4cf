#!/usr/bin/env python3
"""Splink 5 (DuckDB backend) on the files `leadrelay bench dedupe --export DIR` writes, for the README comparison.

    python3 -m venv /tmp/splink && /tmp/splink/bin/pip install 'splink==5.0.0'
    leadrelay bench dedupe --records 10000 --export /tmp/dd10k
    /tmp/splink/bin/python Tests/Splink/splink_dedupe.py /tmp/dd10k names   # writes /tmp/dd10k/splink-names-clusters.csv
    leadrelay bench score --truth /tmp/dd10k/truth.csv --clusters /tmp/dd10k/splink-names-clusters.csv

Unsupervised, as Splink's own tutorials train a model: the prior from deterministic rules, u by random sampling,
m by expectation maximisation on two blocking passes: on email, then on first and last name (`names`, the pattern of
Splink's tutorials) or on phone (`phone`, blocking on a column no comparison of names depends on). The clustering threshold is fixed in advance (THRESHOLD) and
never tuned against the truth. The same light cleaning Splink's tutorials do: lower-case, trimmed, phone digits only.
Prints seconds and peak RSS (this process, DuckDB included) on stderr.
"""

import resource
import sys
import time

import duckdb
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

THRESHOLD = 0.9  # match probability; fixed before any run, never tuned on the truth


def main(directory: str, training: str) -> None:
    started = time.monotonic()
    con = duckdb.connect()
    con.execute(
        f"""
        create table records as
        select record_id as unique_id,
               nullif(lower(trim(first_name)), '') as first_name,
               nullif(lower(trim(last_name)), '') as last_name,
               nullif(lower(trim(email)), '') as email,
               nullif(regexp_replace(phone, '[^0-9]', '', 'g'), '') as phone,
               nullif(lower(trim(company)), '') as company,
               nullif(lower(trim(state)), '') as state,
               nullif(lower(trim(title)), '') as title
        from read_csv('{directory}/records.csv', header = true, all_varchar = true)
        """
    )
    db_api = DuckDBAPI(connection=con)
    records = db_api.register("records")

    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            # Common names say little: term-frequency adjustments, as Splink's tutorials configure names.
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone"),
            cl.JaroWinklerAtThresholds("company", [0.9, 0.8]).configure(term_frequency_adjustments=True),
            cl.ExactMatch("state"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "last_name"),
            block_on("email"),
            block_on("phone"),
            block_on("last_name", "company"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(records, settings, log_level=30)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("email"), block_on("first_name", "last_name", "company")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("email"))
    if training == "names":
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "last_name"))
    else:
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("phone"))

    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    )
    con.execute(
        f"""
        copy (select unique_id as record_id, cluster_id from {clusters.physical_name} order by unique_id)
        to '{directory}/splink-{training}-clusters.csv' (header, delimiter ',')
        """
    )
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"splink 5 (duckdb, EM on email then {training}): {seconds:.1f} s, peak RSS {peak:.0f} MB, threshold {THRESHOLD}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in ("names", "phone"):
        sys.exit("usage: splink_dedupe.py DIR names|phone  (DIR from leadrelay bench dedupe --export DIR)")
    main(sys.argv[1], sys.argv[2])
