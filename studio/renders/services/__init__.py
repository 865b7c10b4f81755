"""Writes to generation jobs and takes, by what they do (import the module you need; nothing is re-exported here):

    jobs.py             jobs from people: submit (one `JobOrder`), cancel, retry
    takes.py            takes from people: upload, previz capture, animatic, review
    worker_protocol.py  what a worker does to the job it holds: claim, renew, progress, succeed, fail,
                        canceled; and the sweep that puts back jobs whose worker stopped answering
    locks.py            the row locks all of them take, in one order: project → person → shot → job → take

Every write bumps the row's ``version`` (but a lease renewal, the worker's heartbeat, which no page shows), and
its event carries it: pages ignore an event older than what they show. Events are published after commit.
"""
