"""ws/jobs/: live state of the jobs a user may see. Pushes only; the pages poll as a fallback.
Browsers come with their session, programs with an API token (tokens.websocket, around every route)."""
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from appliance.accounts.permissions import is_admin
from appliance.jobs.progress import ADMINS_GROUP, user_group
from appliance.tokens.websocket import accepted_subprotocol

CLOSE_UNAUTHENTICATED = 4401


class JobProgressConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user_id = user.pk
        self.admin = is_admin(user)
        self.group = ADMINS_GROUP if self.admin else user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept(subprotocol=accepted_subprotocol(self.scope))

    async def disconnect(self, code):
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def job_update(self, event):
        # Checked per event, not only at connect: groups are a routing aid, not a permission.
        job = event["job"]
        if self.admin or job.get("owner_id") == self.user_id:
            await self.send_json({"type": "job", "job": job, "new_segments": event.get("new_segments", [])})
