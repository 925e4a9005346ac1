"""The destination outcome pipeline shared by every ERP destination (names no ERP, imports no ERP package).

An ERP destination implements the three Protocols of ``protocols.py`` (``RecordPlanner`` per stream,
``ChunkSender``, ``WriteProver``) and wires them as: ``WriteRounds(sender, prover, workers, logger)`` ->
``PipelineRun.open(rounds, logger, RunPolicy.from_airbyte(config))`` -> one
``StreamSink(run, stream, planner, ...)`` per configured stream -> ``yield from gate_state(run, messages)``.
"""
