"""daily exercises

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_pk', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('exercise_id', sa.String(length=80), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('dm_channel', sa.String(length=32), nullable=True),
    sa.Column('message_ts', sa.String(length=32), nullable=True),
    sa.Column('error', sa.String(length=64), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('outcome_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('what_asked', sa.Text(), nullable=True),
    sa.Column('how_it_felt', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_pk'], ['users.id'], name=op.f('fk_deliveries_user_pk_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('user_pk', 'local_date', name=op.f('uq_deliveries_user_pk_local_date'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tz_checked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('daily_enabled', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('daily_time', sa.String(length=5), server_default='09:00', nullable=False))
        batch_op.add_column(sa.Column('daily_days', sa.String(length=32), server_default='0,1,2,3,4', nullable=False))
        batch_op.add_column(sa.Column('snoozed_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('stopped_reason', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_due_date', sa.Date(), nullable=True))
        batch_op.create_index('ix_users_daily_due', ['daily_enabled', 'next_due_at'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_daily_due')
        batch_op.drop_column('next_due_date')
        batch_op.drop_column('next_due_at')
        batch_op.drop_column('stopped_reason')
        batch_op.drop_column('snoozed_until')
        batch_op.drop_column('daily_days')
        batch_op.drop_column('daily_time')
        batch_op.drop_column('daily_enabled')
        batch_op.drop_column('tz_checked_at')

    op.drop_table('deliveries')

