"""Error bodies in OpenAI's shape, so OpenAI client libraries show our message to their users.

{"error": {"message": ..., "type": ..., "param": ..., "code": ...}}
"""
from django.http import JsonResponse

AUTHENTICATE_HEADER = 'Bearer realm="whisper-appliance"'


def api_error(message, status=400, type="invalid_request_error", param=None, code=None):
    response = JsonResponse({"error": {"message": message, "type": type, "param": param, "code": code}}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = AUTHENTICATE_HEADER
    return response
