//! What an unknown request gets: 405 with `Allow` when the path exists with other methods, 404
//! otherwise. The known paths are read from the OpenAPI document, which is generated from the
//! routes themselves, so this table can never disagree with them.

use crate::error::ApiError;
use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};
use utoipa::openapi::OpenApi;

/// Path templates and the methods each supports.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<String>, Vec<Method>)>,
}

fn segments(path: &str) -> Vec<String> {
    path.trim_end_matches('/')
        .split('/')
        .map(str::to_owned)
        .collect()
}

impl RouteTable {
    /// Reads the paths of `api`.
    pub fn new(api: &OpenApi) -> RouteTable {
        let routes = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    (item.get.is_some(), Method::GET),
                    (item.post.is_some(), Method::POST),
                    (item.put.is_some(), Method::PUT),
                    (item.patch.is_some(), Method::PATCH),
                    (item.delete.is_some(), Method::DELETE),
                ]
                .into_iter()
                .filter_map(|(present, method)| present.then_some(method))
                .collect();
                (segments(path), methods)
            })
            .collect();
        RouteTable { routes }
    }

    /// Every method some route supports, each once: what a browser may be allowed cross-origin.
    pub fn methods(&self) -> Vec<Method> {
        let mut methods: Vec<Method> = Vec::new();
        for method in self.routes.iter().flat_map(|(_, methods)| methods) {
            if !methods.contains(method) {
                methods.push(method.clone());
            }
        }
        methods
    }

    /// The methods a concrete path supports; empty when no template matches.
    pub fn allowed_methods(&self, path: &str) -> Vec<Method> {
        let actual = segments(path);
        self.routes
            .iter()
            .filter(|(template, _)| {
                template.len() == actual.len()
                    && template
                        .iter()
                        .zip(&actual)
                        .all(|(expected, got)| expected.starts_with('{') || expected == got)
            })
            .flat_map(|(_, methods)| methods.iter().cloned())
            .collect()
    }
}

/// The default service.
pub async fn fallback(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    let allowed = routes.allowed_methods(req.path());
    if allowed.is_empty() {
        Err(ApiError::NotFound)
    } else {
        Err(ApiError::MethodNotAllowed(allowed))
    }
}
