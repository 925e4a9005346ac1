# One image per connector from the same build context (Airbyte Python connector convention):
#   docker build --build-arg CONNECTOR=source-idempiere      -t airbyte/source-idempiere:0.2.0 .
#   docker build --build-arg CONNECTOR=destination-idempiere -t airbyte/destination-idempiere:0.2.0 .
#   docker build --build-arg CONNECTOR=source-frappe         -t airbyte/source-frappe:0.2.0 .
#   docker build --build-arg CONNECTOR=destination-frappe    -t airbyte/destination-frappe:0.2.0 .
# unit_tests/test_packaging.py checks that the entrypoint names real console scripts.
FROM docker.io/airbyte/python-connector-base:4.0.0

# Which console script the image runs; the RUN below refuses anything else.
ARG CONNECTOR=source-idempiere

# The base image runs as "airbyte" (uid 1000); installing into site-packages needs root.
USER root
WORKDIR /airbyte/integration_code

COPY setup.py README.md ./
COPY erp_airbyte ./erp_airbyte
COPY erp_http ./erp_http
COPY erp_emulator ./erp_emulator
COPY idempiere_client ./idempiere_client
COPY source_idempiere ./source_idempiere
COPY destination_idempiere ./destination_idempiere
COPY idempiere_emulator ./idempiere_emulator
COPY erp_airbyte ./erp_airbyte
COPY frappe_client ./frappe_client
COPY source_frappe ./source_frappe
COPY frappe_emulator ./frappe_emulator
COPY destination_frappe ./destination_frappe

RUN case "${CONNECTOR}" in \
        source-idempiere|destination-idempiere|source-frappe|destination-frappe) ;; \
        *) echo "CONNECTOR must be source-idempiere, destination-idempiere, source-frappe or destination-frappe, got '${CONNECTOR}'" >&2; exit 1 ;; \
    esac \
    && pip install --no-cache-dir . \
    && command -v "${CONNECTOR}" \
    && (id -u airbyte >/dev/null 2>&1 || useradd --uid 1000 --create-home airbyte) \
    && chown -R airbyte /airbyte

LABEL io.airbyte.name="airbyte/${CONNECTOR}"
LABEL io.airbyte.version="0.2.0"

# The Airbyte platform runs "$AIRBYTE_ENTRYPOINT <command> <args>"; ENTRYPOINT does the same for docker run.
ENV AIRBYTE_ENTRYPOINT="${CONNECTOR}"
USER airbyte
ENTRYPOINT ["/bin/sh", "-c", "exec ${AIRBYTE_ENTRYPOINT} \"$@\"", "--"]
