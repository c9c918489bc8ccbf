#!/usr/bin/python3
"""Execute a notebook on its Jupyter kernel and write the executed copy.

usage: run_notebook.py NOTEBOOK OUT [--cwd DIR] [--timeout SECONDS] [--settle SECONDS]

Built on nbclient, cell by cell. Deno's kernel can report "idle" before a cell's outputs have
all arrived (plain `jupyter nbconvert --execute` lost outputs that way), so after each code cell
this runner keeps reading the kernel's messages for that cell until none has come for `--settle`
seconds (default 3), and adds the late ones to the cell. A cell that throws stops the run: the
error goes to stderr and the exit status is 1. The kernel starts in --cwd (default: the
notebook's folder), as Jupyter starts it.
"""
import argparse
import asyncio
import queue
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbclient.util import ensure_async


class SettlingClient(NotebookClient):
    """A NotebookClient that keeps reading a cell's outputs for a while after "idle"."""

    settle_seconds = 3.0

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type != "code" or not cell.source.strip():
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        sent = []
        execute = self.kc.execute

        def recording_execute(*args, **kwargs):
            msg_id = execute(*args, **kwargs)
            sent.append(msg_id)
            return msg_id

        self.kc.execute = recording_execute
        try:
            cell = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        finally:
            del self.kc.execute  # the instance attribute hid the method
        late = await self.read_late_outputs(sent[0], cell, cell_index)
        if late:
            print(f"cell {cell_index}: {late} output(s) arrived after idle", file=sys.stderr)
        return cell

    async def read_late_outputs(self, parent_id, cell, cell_index):
        """Read messages until none has come for settle_seconds; add this cell's outputs."""
        late = 0
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=self.settle_seconds))
            except (queue.Empty, asyncio.TimeoutError):
                return late
            if msg["parent_header"].get("msg_id") != parent_id or msg["msg_type"] == "status":
                continue
            self.process_message(msg, cell, cell_index)
            late += 1
            if msg["msg_type"] == "error":
                raise CellExecutionError.from_cell_and_msg(cell, msg["content"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("out")
    parser.add_argument("--cwd", default=None)
    parser.add_argument("--timeout", type=int, default=600, help="seconds a cell may take")
    parser.add_argument("--settle", type=float, default=3.0)
    args = parser.parse_args()
    nb = nbformat.read(args.notebook, as_version=4)
    cwd = args.cwd or (args.notebook.rsplit("/", 1)[0] if "/" in args.notebook else ".")
    client = SettlingClient(nb, timeout=args.timeout, resources={"metadata": {"path": cwd}})
    client.settle_seconds = args.settle
    try:
        client.execute()
    except CellExecutionError as err:
        print(f"{args.notebook}: a cell failed:\n{err}", file=sys.stderr)
        return 1
    finally:
        nbformat.write(nb, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
