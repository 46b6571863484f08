"""The Slack front end: a thin translator from Slack commands and mentions to NewsService.

`newsbot serve slack` is `cli.slack_command`; `app.build_app` wires the listeners; `blocks`
turns answers into Block Kit. Importing this package loads neither bolt's app nor the model.
"""
