"""gunicorn reads this file from the directory it is started in (the README's command, bench_load).

Workers: gunicorn's advice, 2 × cores + 1 (a -w on the command line wins). A sync worker waits while
PostgreSQL answers; with a few workers more than cores the CPU keeps busy meanwhile (measured in the
month-end rush of benchmarks/bench_load.py on 2 cores: a third of the CPU idle with 4 workers, none with 5).

Each worker loads jieba's dictionary (~0.6 s of CPU, plans.segmentation) as it starts, before it takes
requests: otherwise the first report filed in each worker (its search text is segmented) waited for
it, and in the month-end rush that was the slowest request of the run."""
import multiprocessing

workers = multiprocessing.cpu_count() * 2 + 1


def post_worker_init(worker):
    from plans.segmentation import get_tokenizer

    get_tokenizer()
