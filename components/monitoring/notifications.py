"""Where alarms are sent: the stack's own encrypted SNS topic (with an email subscription when
`alarms.email` is set), or an existing topic from `alarms.snsTopicArn`."""

import pulumi
import pulumi_aws as aws

from ..context import StackContext
from ..errors import NAMESPACE


def alarm_topic_arn(ctx: StackContext) -> pulumi.Input[str]:
    """CloudWatch publishes to an encrypted topic only with a customer-managed key whose policy
    admits it, so the topic uses the stack key (see `encryption.key_policy`)."""
    config, name = ctx.config, ctx.names.topic
    if not config.creates_alarm_topic:
        return config.alarms.sns_topic_arn
    topic = aws.sns.Topic(name, name=name, kms_master_key_id=ctx.key_arn(), opts=ctx.opts())
    if config.alarms.email:
        aws.sns.TopicSubscription(f"{name}-email", topic=topic.arn, protocol="email", endpoint=config.alarms.email,
                                  opts=ctx.opts())
    else:
        pulumi.log.warn(f"alarms go to the topic {name}, which nobody is subscribed to: set "
                        f"{NAMESPACE}:alarms.email, or alarms.snsTopicArn to use a topic of your own")
    return topic.arn
