"""The protocol layer: ``/api/v1`` routing, request bodies, auth and tokens, batch, Jetty pages, control actions.

It translates HTTP to calls on ``model.backend.Backend`` and ``auth.AuthService`` and their ``EmulatorError``s
back to the plugin's responses; it never touches the store.
"""
