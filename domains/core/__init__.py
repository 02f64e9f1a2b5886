"""The shared machinery every domain builds on: registry, the one model loader, hub access, the
trained-model cache, input guards, errors, drawing, example media, evaluation records, the health check
and the session report. It never imports a domain."""
