"""gunicorn reads this file from the directory it is started in (the README's command, bench_load).

Each worker loads jieba's dictionary (~0.6 s of CPU, plans.segmentation) as it starts, before it takes
requests: otherwise the first report filed in each worker (its search text is segmented) waited for
it, and in the month-end rush that was the slowest request of the run."""


def post_worker_init(worker):
    from plans.segmentation import get_tokenizer

    get_tokenizer()
