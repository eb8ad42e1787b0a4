//! [`AnyConn`]: a connection or an open transaction behind one `ConnectionTrait` type, so the
//! same read/write code runs on a reader, on the writer, or inside a batch session.

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, Statement,
};

pub enum AnyConn<'a> {
    Conn(&'a DatabaseConnection),
    Txn(&'a DatabaseTransaction),
}

impl ConnectionTrait for AnyConn<'_> {
    fn get_database_backend(&self) -> DbBackend {
        match self {
            Self::Conn(c) => c.get_database_backend(),
            Self::Txn(t) => t.get_database_backend(),
        }
    }

    fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        match self {
            Self::Conn(c) => c.execute_raw(stmt),
            Self::Txn(t) => t.execute_raw(stmt),
        }
    }

    fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        match self {
            Self::Conn(c) => c.execute_unprepared(sql),
            Self::Txn(t) => t.execute_unprepared(sql),
        }
    }

    fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        match self {
            Self::Conn(c) => c.query_one_raw(stmt),
            Self::Txn(t) => t.query_one_raw(stmt),
        }
    }

    fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        match self {
            Self::Conn(c) => c.query_all_raw(stmt),
            Self::Txn(t) => t.query_all_raw(stmt),
        }
    }
}
